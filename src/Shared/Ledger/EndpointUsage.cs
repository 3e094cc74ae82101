namespace XeroSync.Ledger;

/// <summary>An endpoint's Xero usage per UTC day, in day order; equal when the days are (states compare by value).</summary>
public sealed class EndpointUsage(IReadOnlyList<DailyUsage> days) : IEquatable<EndpointUsage>
{
    public static EndpointUsage None { get; } = new([]);

    public IReadOnlyList<DailyUsage> Days { get; } = days;

    public bool Equals(EndpointUsage? other) => other is not null && Days.SequenceEqual(other.Days);

    public override bool Equals(object? obj) => Equals(obj as EndpointUsage);

    public override int GetHashCode() => Days.Count == 0 ? 0 : HashCode.Combine(Days.Count, Days[0]);

    public override string ToString() => string.Join(", ", Days);
}
