namespace XeroSync.Google.SecretManager;

internal sealed record ListSecretVersionsResponseDto(List<SecretVersion>? Versions, string? NextPageToken);
