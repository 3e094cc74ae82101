namespace XeroSync.Google.SecretManager;

/// <summary>A secret version's metadata: name, state (ENABLED, DISABLED, DESTROYED), etag, create time.</summary>
public sealed record SecretVersion(string Name, string? State, string? Etag, string? CreateTime);
