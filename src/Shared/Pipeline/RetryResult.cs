using System.Text.Json.Serialization;

namespace XeroSync.Pipeline;

/// <summary>What a retry did to finish a run.</summary>
/// <param name="Republished">Pages published again: failed, deferred, dead-lettered, pending without a holder, or never opened.</param>
/// <param name="ManifestsWritten">Manifests written by the retry (due, or claimed by a writer that crashed).</param>
/// <param name="ManifestsLoaded">Written manifests the retry loaded (their finalize event was lost or failed).</param>
/// <param name="WatermarksAdvanced">Complete endpoints whose watermark had not moved yet.</param>
/// <param name="Superseded">tenant/endpoint pairs not retried because a later run already loaded them.</param>
public sealed record RetryResult(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("republished")] int Republished,
    [property: JsonPropertyName("manifests_written")] int ManifestsWritten,
    [property: JsonPropertyName("manifests_loaded")] int ManifestsLoaded,
    [property: JsonPropertyName("watermarks_advanced")] int WatermarksAdvanced,
    [property: JsonPropertyName("superseded")] IReadOnlyList<string> Superseded);
