namespace XeroSync.Google.SecretManager;

internal sealed record AccessSecretVersionResponseDto(string Name, SecretPayloadDto? Payload);
