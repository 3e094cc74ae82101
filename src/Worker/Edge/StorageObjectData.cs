using System.Text.Json.Serialization;

namespace XeroSync.Worker.Edge;

/// <summary>
/// Eventarc <c>google.events.cloud.storage.v1.StorageObjectData</c>. int64 fields (generation, metageneration, size)
/// accept JSON numbers or strings.
/// </summary>
public sealed record StorageObjectData
{
    [JsonPropertyName("bucket")] public string? Bucket { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("generation")] public long? Generation { get; init; }
    [JsonPropertyName("metageneration")] public long? Metageneration { get; init; }
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("contentType")] public string? ContentType { get; init; }
    [JsonPropertyName("contentEncoding")] public string? ContentEncoding { get; init; }
    [JsonPropertyName("contentDisposition")] public string? ContentDisposition { get; init; }
    [JsonPropertyName("contentLanguage")] public string? ContentLanguage { get; init; }
    [JsonPropertyName("cacheControl")] public string? CacheControl { get; init; }

    /// <summary>Base64 CRC32C (big-endian).</summary>
    [JsonPropertyName("crc32c")] public string? Crc32c { get; init; }

    /// <summary>Base64 MD5 (absent for composite objects).</summary>
    [JsonPropertyName("md5Hash")] public string? Md5Hash { get; init; }
    [JsonPropertyName("etag")] public string? Etag { get; init; }

    /// <summary>"bucket/name/generation".</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("kind")] public string? Kind { get; init; }
    [JsonPropertyName("mediaLink")] public string? MediaLink { get; init; }
    [JsonPropertyName("selfLink")] public string? SelfLink { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("storageClass")] public string? StorageClass { get; init; }
    [JsonPropertyName("timeCreated")] public DateTimeOffset? TimeCreated { get; init; }
    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }
    [JsonPropertyName("timeStorageClassUpdated")] public DateTimeOffset? TimeStorageClassUpdated { get; init; }
    [JsonPropertyName("timeDeleted")] public DateTimeOffset? TimeDeleted { get; init; }
    [JsonPropertyName("retentionExpirationTime")] public DateTimeOffset? RetentionExpirationTime { get; init; }
    [JsonPropertyName("temporaryHold")] public bool? TemporaryHold { get; init; }
    [JsonPropertyName("eventBasedHold")] public bool? EventBasedHold { get; init; }
    [JsonPropertyName("kmsKeyName")] public string? KmsKeyName { get; init; }
    [JsonPropertyName("componentCount")] public int? ComponentCount { get; init; }
    [JsonPropertyName("customerEncryption")] public CustomerEncryption? CustomerEncryption { get; init; }
}
