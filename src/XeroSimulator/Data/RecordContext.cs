namespace XeroSync.XeroSimulator.Data;

/// <summary>Inputs for creating one record: its RNG, its 1-based number in the collection and its timestamp.</summary>
internal sealed class RecordContext
{
    public RecordContext(Random random, int sequence, DateTimeOffset timestamp, OrganisationReferences references)
    {
        Random = random;
        Sequence = sequence;
        Timestamp = timestamp;
        References = references;
        Id = random.NextGuid().ToString();
        Date = XeroDates.Day(timestamp.AddDays(-random.Next(0, 20)));
    }

    public Random Random { get; }

    public int Sequence { get; }

    /// <summary>UpdatedDateUTC (or CreatedDateUTC where the endpoint has no update timestamp).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Business date (a day on or shortly before the timestamp).</summary>
    public DateTimeOffset Date { get; }

    public string Id { get; }

    public OrganisationReferences References { get; }

    public decimal Money(int min, int max) => Math.Round(Random.Next(min * 100, max * 100) / 100m, 2);

    /// <summary>A unit amount with four decimal places, as Xero stores them (served at 4 dp only with unitdp=4).</summary>
    public decimal UnitAmount(int min, int max) => Random.Next(min * 10000, max * 10000) / 10000m;

    public string NewId() => Random.NextGuid().ToString();

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];
}
