namespace XeroSync.Google.SecretManager;

internal sealed record AddSecretVersionRequestDto(SecretPayloadDto Payload);
