namespace XeroSync.Google.SecretManager;

internal sealed record DisableSecretVersionRequestDto(string? Etag);
