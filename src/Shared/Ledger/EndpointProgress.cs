namespace XeroSync.Ledger;

/// <summary>Progress of (run, tenant, endpoint) as derived from its page records.</summary>
/// <param name="LastPage">The endpoint's last page once known (pageCount, a short page, or 1 when unpaged).</param>
/// <param name="Calls">Xero calls made for this endpoint, throttled ones included.</param>
/// <param name="Throttles">429 responses seen for this endpoint.</param>
/// <param name="ManifestsWritten">How many manifests have been written for this endpoint.</param>
/// <param name="ManifestsLoaded">How many of those the warehouse has loaded.</param>
public sealed record EndpointProgress(
    string RunId,
    string TenantId,
    string Endpoint,
    int? LastPage,
    int Done,
    int Failed,
    int Deferred,
    int NotEntitled,
    int Pending,
    long Records,
    int Calls = 0,
    int Throttles = 0,
    int ManifestsWritten = 0,
    int ManifestsLoaded = 0)
{
    /// <summary>Every page up to the last is in a terminal state (done, failed, deferred or not entitled).</summary>
    public bool IsComplete => LastPage is int last && Done + Failed + Deferred + NotEntitled >= last && Pending == 0;
}
