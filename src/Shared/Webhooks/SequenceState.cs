namespace XeroSync.Webhooks;

/// <summary>
/// What <see cref="SequenceGaps"/> remembers of the event sequence, as a store keeps it: the highest sequence seen (null
/// before the first payload) and the holes still open; and what <see cref="QuietWatch"/> remembers of how events arrive
/// per organisation and category (kept with the sequence: every payload updates both, in one store write).
/// </summary>
public sealed record SequenceState(long? Highest, IReadOnlyList<SequenceHole> Holes)
{
    public static SequenceState Empty { get; } = new(null, []);

    public IReadOnlyList<CategoryActivity> Activity { get; init; } = [];
}
