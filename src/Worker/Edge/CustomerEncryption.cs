using System.Text.Json.Serialization;

namespace XeroSync.Worker.Edge;

/// <summary>Customer-supplied encryption key metadata of a storage object.</summary>
public sealed record CustomerEncryption
{
    [JsonPropertyName("encryptionAlgorithm")]
    public string? EncryptionAlgorithm { get; init; }

    [JsonPropertyName("keySha256")]
    public string? KeySha256 { get; init; }
}
