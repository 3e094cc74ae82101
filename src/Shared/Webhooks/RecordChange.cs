namespace XeroSync.Webhooks;

/// <summary>A checked webhook event: a record of an organisation changed at <paramref name="ChangedAt"/> (Xero's event time).</summary>
public sealed record RecordChange(string TenantId, string Endpoint, string RecordId, DateTimeOffset ChangedAt);
