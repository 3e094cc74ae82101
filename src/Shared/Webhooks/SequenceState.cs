namespace XeroSync.Webhooks;

/// <summary>
/// What <see cref="SequenceGaps"/> remembers of the event sequence, as a store keeps it: the highest sequence seen (null
/// before the first payload) and the holes still open.
/// </summary>
public sealed record SequenceState(long? Highest, IReadOnlyList<SequenceHole> Holes)
{
    public static SequenceState Empty { get; } = new(null, []);
}
