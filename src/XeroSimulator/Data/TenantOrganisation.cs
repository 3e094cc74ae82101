namespace XeroSync.XeroSimulator.Data;

/// <summary>One tenant's records: generated on construction, then advanced minute by minute up to the time asked for.</summary>
internal sealed class TenantOrganisation
{
    private static readonly TimeSpan History = TimeSpan.FromDays(365);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RecordCollection> _collections = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _createdAt;
    private readonly ChangeTicker? _ticker;
    private long _appliedMinutes;

    public TenantOrganisation(SimulatorOptions options, SimulatedTenant tenant, DateTimeOffset createdAt)
    {
        _createdAt = createdAt;
        foreach (var definition in EndpointCatalog.All)
        {
            _collections[definition.Name] = new RecordCollection(definition);
        }

        var references = new OrganisationReferences();
        var end = createdAt.AddHours(-1).AddSeconds(-1);
        var start = end - History;
        for (var e = 0; e < RecordFactory.GenerationOrder.Count; e++)
        {
            var endpoint = RecordFactory.GenerationOrder[e];
            var definition = EndpointCatalog.Get(endpoint);
            var count = definition.Name == "Organisation" ? 1 : Math.Max(1, (int)Math.Round(definition.BaseCount * options.Scale));
            var random = new Random(Determinism.Mix(options.Seed, tenant.Index, e, 0xBA5E));
            var collection = _collections[endpoint];
            for (var i = 0; i < count; i++)
            {
                var offsetMs = (long)(History.TotalMilliseconds * (i + random.NextDouble()) / count);
                var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(start.ToUnixTimeMilliseconds() + offsetMs);
                var context = new RecordContext(random, i + 1, timestamp, references);
                collection.Add(RecordFactory.Create(endpoint, context, tenant, createdAt));
            }
        }

        if (options.ChangesPerMinute > 0)
        {
            _ticker = new ChangeTicker(name => _collections[name], references, tenant, createdAt, options.Seed, options.ChangesPerMinute);
        }
    }

    /// <summary>Runs <paramref name="read"/> on the endpoint's records as they are at <paramref name="now"/>.</summary>
    public T Read<T>(DateTimeOffset now, string endpoint, Func<RecordCollection, T> read)
    {
        lock (_lock)
        {
            AdvanceTo(now);
            return read(_collections[endpoint]);
        }
    }

    private void AdvanceTo(DateTimeOffset now)
    {
        if (_ticker is null || now < _createdAt)
        {
            return;
        }

        var target = (long)Math.Floor((now - _createdAt).TotalMinutes);
        while (_appliedMinutes < target)
        {
            _appliedMinutes++;
            _ticker.Apply(_appliedMinutes);
        }
    }
}
