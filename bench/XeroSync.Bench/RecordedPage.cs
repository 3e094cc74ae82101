namespace XeroSync.Bench;

/// <summary>One Xero response as the simulator sent it.</summary>
public sealed record RecordedPage(string TenantId, byte[] Body, string ContentType);
