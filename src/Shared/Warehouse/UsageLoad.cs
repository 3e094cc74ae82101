namespace XeroSync.Warehouse;

/// <summary>
/// One run's Xero usage object (NDJSON, one line per organisation and UTC day: <c>run_id, tenant_id, day, calls,
/// bytes_received, bytes_decoded, recorded_at</c>) to load into the usage table.
/// </summary>
/// <param name="JobId">Deterministic (derived from the object's name, which is derived from its content): loading twice is a no-op.</param>
/// <param name="ObjectName">The object in the store.</param>
/// <param name="ExpectedRows">The object's lines.</param>
public sealed record UsageLoad(string JobId, string ObjectName, long ExpectedRows);
