namespace XeroSync.Ledger;

/// <summary>
/// The webhook changes a targeted run reads for one (organisation, endpoint): how many, and the earliest and latest
/// event times (Xero's <c>eventDateUtc</c>) among them.
/// </summary>
public sealed record ChangeBatch(string RunId, string TenantId, string Endpoint, int Changes, DateTimeOffset EarliestEvent, DateTimeOffset LatestEvent)
{
    public EndpointKey Key => new(RunId, TenantId, Endpoint);
}
