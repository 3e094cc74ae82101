namespace XeroSync.Ledger;

/// <summary>
/// How a run opens one (tenant, endpoint): page 1 pending (with the Journals offset it starts from);
/// an endpoint read in one call knows its last page (1) from the start.
/// </summary>
public sealed record EndpointOpening(string TenantId, string Endpoint, long? FirstOffset, bool SingleCall);
