using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary><c>POST /webhooks/quiet-check</c>: how many incrementals the check started, and each one's run.</summary>
public sealed record QuietCheckResponse(
    [property: JsonPropertyName("started")] int Started,
    [property: JsonPropertyName("runs")] IReadOnlyList<QuietRunStatus> Runs);
