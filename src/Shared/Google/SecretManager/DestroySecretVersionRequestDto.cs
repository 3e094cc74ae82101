namespace XeroSync.Google.SecretManager;

internal sealed record DestroySecretVersionRequestDto(string? Etag);
