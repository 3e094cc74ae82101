namespace XeroSync.Ledger;

/// <summary>
/// How fresh one (organisation, endpoint) is from webhooks: the latest change Xero reported (event time), when the
/// most recent batch of changes landed (its load committed) and the latest event time among landed changes, and that
/// batch's event-to-landed latency (from its earliest event: the worst of the batch). Null where nothing happened yet.
/// </summary>
public sealed record TableFreshness(
    string TenantId,
    string Endpoint,
    DateTimeOffset? LastChangeSeen,
    DateTimeOffset? LastLanded,
    DateTimeOffset? LastChangeLanded,
    TimeSpan? Latency,
    string? LastRunId)
{
    /// <summary>A change was reported that no landed batch covers yet (read, loading, or waiting for a retry).</summary>
    public bool Behind => LastChangeSeen is { } seen && (LastChangeLanded is not { } landed || landed < seen);
}
