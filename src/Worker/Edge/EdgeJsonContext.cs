using System.Text.Json.Serialization;

namespace XeroSync.Worker.Edge;

/// <summary>Source-generated JSON for the edge DTOs (int64-as-string accepted).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MessagePublishedData))]
[JsonSerializable(typeof(StorageObjectData))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
