namespace XeroSync.XeroSimulator.Data;

/// <summary>One Accounting API collection the simulator serves.</summary>
/// <param name="Name">Path segment, e.g. "Invoices".</param>
/// <param name="CollectionProperty">Envelope property holding the records.</param>
/// <param name="KeyField">Record id property.</param>
/// <param name="Paging">How the endpoint pages.</param>
/// <param name="SupportsIfModifiedSince">Whether If-Modified-Since filters.</param>
/// <param name="TimestampField">Property If-Modified-Since compares (UpdatedDateUTC, CreatedDateUTC) or null.</param>
/// <param name="HiddenStatus">Status excluded unless <paramref name="RevealParameter"/>=true.</param>
/// <param name="RevealParameter">Query parameter that includes <paramref name="HiddenStatus"/> records.</param>
/// <param name="BaseCount">Record count at Scale 1.</param>
/// <param name="AcceptsUnitDp">Xero honours <c>unitdp=4</c> here; otherwise (and without it) unit amounts are served rounded to 2 dp.</param>
internal sealed record EndpointDefinition(
    string Name,
    string CollectionProperty,
    string KeyField,
    PagingMode Paging,
    bool SupportsIfModifiedSince,
    string? TimestampField,
    string? HiddenStatus,
    string? RevealParameter,
    int BaseCount,
    bool AcceptsUnitDp = false)
{
    /// <summary>Whether the list call takes an <c>order</c> parameter (Xero-OpenAPI v16.1.0).</summary>
    public bool SupportsOrder { get; init; }

    /// <summary>Fields dropped from each record with summaryOnly=true; null = the endpoint has no summaryOnly.</summary>
    public IReadOnlyList<string>? SummaryOnlyDrops { get; init; }

    /// <summary>An array only GET /{Name}/{id} fills; the list call serves it empty (Budgets' BudgetLines).</summary>
    public string? DetailOnlyArray { get; init; }

    /// <summary>What <see cref="ChangeKind.Delete"/> does to a record of this endpoint.</summary>
    public DeleteMode Delete { get; init; }

    /// <summary>Generated records at any scale: enough accounts, currencies and tracking categories for a ledger that ties.</summary>
    public int MinimumCount { get; init; } = 1;

    /// <summary>
    /// Made by other records rather than drawn by count: payments by the invoices and credit notes they settle,
    /// journals by the documents that post them.
    /// </summary>
    public bool Derived { get; init; }

    public bool HasUpdatedDate => TimestampField == "UpdatedDateUTC";
}
