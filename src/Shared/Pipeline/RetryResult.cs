using System.Text.Json.Serialization;

namespace XeroSync.Pipeline;

/// <summary>What a retry republished.</summary>
/// <param name="Superseded">tenant/endpoint pairs not retried because a later run already loaded them.</param>
public sealed record RetryResult(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("republished")] int Republished,
    [property: JsonPropertyName("superseded")] IReadOnlyList<string> Superseded);
