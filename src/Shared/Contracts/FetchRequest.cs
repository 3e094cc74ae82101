using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// One unit of fetch work: the Pub/Sub message data (UTF-8 JSON). Deterministic: the same work
/// always produces the same message, so redelivery and republishing are harmless.
/// </summary>
public sealed record FetchRequest
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("v")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    /// <summary>Xero endpoint name from the catalog (<c>Invoices</c>).</summary>
    [JsonPropertyName("endpoint")]
    public required string Endpoint { get; init; }

    /// <summary>First page of the range, 1-based.</summary>
    [JsonPropertyName("first_page")]
    public required int FirstPage { get; init; }

    /// <summary>Last page of the range, inclusive. Equals <see cref="FirstPage"/> for a single page.</summary>
    [JsonPropertyName("last_page")]
    public required int LastPage { get; init; }

    /// <summary>Journals: the offset (highest JournalNumber already read) for <see cref="FirstPage"/>.</summary>
    [JsonPropertyName("offset")]
    public long? Offset { get; init; }

    [JsonPropertyName("page_size")]
    public int PageSize { get; init; }

    /// <summary>If-Modified-Since watermark, UTC, to the second; null for a full read.</summary>
    [JsonPropertyName("modified_since")]
    public DateTimeOffset? ModifiedSince { get; init; }

    /// <summary>
    /// First request of a paged endpoint: read <c>pagination.pageCount</c> from page 1 and publish the
    /// remaining ranges. Journals: publish the continuation after the last page of the range.
    /// </summary>
    [JsonPropertyName("discover")]
    public bool Discover { get; init; }

    /// <summary>
    /// A re-read of the endpoint (its pages verified short of what Xero holds): the ledger pages of this request are
    /// Xero pages shifted by this much (Xero page = ledger page - <see cref="PageBase"/>), so every pass has pages and
    /// objects of its own. Null for the first read.
    /// </summary>
    [JsonPropertyName("page_base")]
    public int? PageBase { get; init; }

    /// <summary>
    /// A targeted read (webhook events): the records to read by id, in order; ledger page n reads the n-th chunk of
    /// <see cref="Xero.TargetedFetch.IdsPerCall"/> ids. Null for list reads.
    /// </summary>
    [JsonPropertyName("ids")]
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>The Xero page a ledger page of this request reads.</summary>
    [JsonIgnore]
    public int XeroPageOffset => PageBase ?? 0;

    /// <summary>Stable key of this work item, used as the message's ordering-free dedupe key.</summary>
    [JsonIgnore]
    public string Key => $"{RunId}/{TenantId}/{Endpoint}/{FirstPage}-{LastPage}";

    [JsonIgnore]
    public int PageCount => LastPage - FirstPage + 1;
}
