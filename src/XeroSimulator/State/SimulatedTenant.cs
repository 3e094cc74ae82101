namespace XeroSync.XeroSimulator;

/// <summary>A simulated organisation: its xero-tenant-id, name ("Demo Company 01") and zero-based index.</summary>
public sealed record SimulatedTenant(string TenantId, string Name, int Index);
