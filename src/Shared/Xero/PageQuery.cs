namespace XeroSync.Xero;

/// <summary>What to ask Xero for: one page (or Journals offset) of one endpoint of one tenant.</summary>
/// <param name="MaxPermitWait">How long to wait for a rate-limit permit before giving up (push deadline).</param>
public sealed record PageQuery(
    string TenantId,
    XeroEndpoint Endpoint,
    int Page,
    long? Offset,
    DateTimeOffset? ModifiedSince,
    TimeSpan MaxPermitWait);
