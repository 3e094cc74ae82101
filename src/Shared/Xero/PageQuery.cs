namespace XeroSync.Xero;

/// <summary>What to ask Xero for: one page (or Journals offset) of one endpoint of one tenant.</summary>
/// <param name="Deadline">The delivery's deadline: waiting for a rate-limit permit stops there (null: no deadline, locally).</param>
public sealed record PageQuery(
    string TenantId,
    XeroEndpoint Endpoint,
    int Page,
    long? Offset,
    DateTimeOffset? ModifiedSince,
    DateTimeOffset? Deadline);
