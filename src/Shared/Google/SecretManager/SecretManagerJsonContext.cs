using System.Text.Json.Serialization;

namespace XeroSync.Google.SecretManager;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(AccessSecretVersionResponseDto))]
[JsonSerializable(typeof(AddSecretVersionRequestDto))]
[JsonSerializable(typeof(DestroySecretVersionRequestDto))]
[JsonSerializable(typeof(ListSecretVersionsResponseDto))]
[JsonSerializable(typeof(SecretVersion))]
internal sealed partial class SecretManagerJsonContext : JsonSerializerContext;
