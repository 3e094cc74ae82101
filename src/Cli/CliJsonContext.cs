using System.Text.Json.Serialization;

namespace XeroSync.Cli;

/// <summary>The JSON the CLI prints (<c>status --format json</c>, <c>status RUN_ID --format json</c>).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RunStatusJson))]
[JsonSerializable(typeof(StatusJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
