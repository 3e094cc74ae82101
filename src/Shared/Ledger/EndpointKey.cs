namespace XeroSync.Ledger;

/// <summary>Names the state record of one (run, tenant, endpoint): the unit the ledger owns.</summary>
public sealed record EndpointKey(string RunId, string TenantId, string Endpoint)
{
    public override string ToString() => $"{RunId}/{TenantId}/{Endpoint}";
}
