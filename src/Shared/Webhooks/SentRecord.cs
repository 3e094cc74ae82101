namespace XeroSync.Webhooks;

/// <summary>A record webhooks name: which organisation, endpoint and record. A store keeps when it was last sent for reading.</summary>
public sealed record SentRecord(string TenantId, string Endpoint, string RecordId);
