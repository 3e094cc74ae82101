using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// Written once every page of (run, tenant, endpoint) is settled (done, failed or deferred): what succeeded
/// loads promptly. The object finalize event of a manifest triggers one warehouse load for its objects.
/// Version 2: the watermark is no longer carried here; the run ledger advances it once every manifest of
/// the endpoint is loaded and nothing is missing.
/// </summary>
public sealed record Manifest
{
    public const int CurrentSchemaVersion = 2;

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

    /// <summary>Some pages failed or were deferred when it was written: load what succeeded; a retry writes a further manifest.</summary>
    [JsonPropertyName("partial")]
    public bool Partial { get; init; }

    [JsonPropertyName("failed_pages")]
    public IReadOnlyList<int> FailedPages { get; init; } = [];

    [JsonPropertyName("deferred_pages")]
    public IReadOnlyList<int> DeferredPages { get; init; } = [];

    /// <summary>When the ledger assigned its pages (the same on a rewrite after a crash, so the bytes are the same).</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }
}
