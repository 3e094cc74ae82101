using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// Source-generated JSON for every contract that crosses a process boundary. A repeated property is an error,
/// not "last one wins": <c>{"run_id":"../x","run_id":"ok"}</c> must not read differently here and in any other
/// parser that sees the same message.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(FetchRequest))]
[JsonSerializable(typeof(ReconcilePreparation))]
[JsonSerializable(typeof(TieOutRequest))]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(Watermark))]
[JsonSerializable(typeof(XeroSync.Pipeline.RunRequest))]
public sealed partial class PipelineJsonContext : JsonSerializerContext;
