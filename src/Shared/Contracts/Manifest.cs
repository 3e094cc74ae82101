using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// Written once every page of (run, tenant, endpoint) is done, failed or deferred. The object
/// finalize event of a manifest triggers one warehouse load for its objects.
/// </summary>
public sealed record Manifest
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("v")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    [JsonPropertyName("endpoint")]
    public required string Endpoint { get; init; }

    /// <summary>0 for the run's manifest, 1.. for manifests written by retries of failed pages.</summary>
    [JsonPropertyName("sequence")]
    public int Sequence { get; init; }

    [JsonPropertyName("objects")]
    public required IReadOnlyList<ManifestObject> Objects { get; init; }

    [JsonPropertyName("records")]
    public long Records { get; init; }

    /// <summary>Some pages failed or were deferred: load what succeeded, keep the old watermark.</summary>
    [JsonPropertyName("partial")]
    public bool Partial { get; init; }

    [JsonPropertyName("failed_pages")]
    public IReadOnlyList<int> FailedPages { get; init; } = [];

    [JsonPropertyName("deferred_pages")]
    public IReadOnlyList<int> DeferredPages { get; init; } = [];

    /// <summary>The watermark this manifest advances to once loaded (complete manifests only).</summary>
    [JsonPropertyName("watermark")]
    public Watermark? Watermark { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }
}
