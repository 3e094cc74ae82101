using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>Source-generated JSON for every contract that crosses a process boundary.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(FetchRequest))]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(Watermark))]
[JsonSerializable(typeof(XeroSync.Pipeline.RunRequest))]
public sealed partial class PipelineJsonContext : JsonSerializerContext;
