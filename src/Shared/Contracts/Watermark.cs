using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// Where the next incremental read of (tenant, endpoint) starts: an If-Modified-Since instant
/// and, for Journals, the highest JournalNumber loaded.
/// </summary>
public sealed record Watermark(
    [property: JsonPropertyName("modified_since")] DateTimeOffset? ModifiedSince,
    [property: JsonPropertyName("journal_offset")] long? JournalOffset = null);
