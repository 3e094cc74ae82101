using System.Text.Json.Serialization;

namespace XeroSync.Cli;

/// <summary>One run of <c>status --format json</c>'s <c>runs</c>, newest first.</summary>
public sealed record RecentRunJson(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("full")] bool Full,
    [property: JsonPropertyName("targeted")] bool Targeted,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("calls")] long Calls);
