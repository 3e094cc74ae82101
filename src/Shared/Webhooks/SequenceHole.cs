namespace XeroSync.Webhooks;

/// <summary>Event sequence numbers <paramref name="From"/> to <paramref name="To"/> not received since <paramref name="OpenedAt"/>.</summary>
public sealed record SequenceHole(long From, long To, DateTimeOffset OpenedAt);
