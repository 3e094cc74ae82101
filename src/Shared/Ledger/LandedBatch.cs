namespace XeroSync.Ledger;

/// <summary>A <see cref="ChangeBatch"/> whose load committed at <paramref name="LandedAt"/>.</summary>
public sealed record LandedBatch(ChangeBatch Batch, DateTimeOffset LandedAt)
{
    /// <summary>Event-to-landed latency of the batch's earliest change: the worst of the batch.</summary>
    public TimeSpan Latency => LandedAt - Batch.EarliestEvent;

    /// <summary>Event-to-landed latency of the batch's latest change: the best of the batch.</summary>
    public TimeSpan LatestLatency => LandedAt - Batch.LatestEvent;
}
