namespace XeroSync.Google.SecretManager;

internal sealed record SecretPayloadDto(string? Data, string? DataCrc32c);
