namespace XeroSync.Xero;

/// <summary>One Accounting API collection a bulk extractor syncs.</summary>
/// <param name="Name">Xero's name, also the path segment (<c>Invoices</c>).</param>
/// <param name="TableName">snake_case name of the raw table and latest view (<c>invoices</c>).</param>
/// <param name="CollectionProperty">The JSON property holding the records (<c>Invoices</c>).</param>
/// <param name="KeyField">The record's identifier field.</param>
/// <param name="Paging">How the endpoint pages.</param>
/// <param name="PageSize">Records per full page (1000, or 100 where Xero fixes it; 0 for unpaged).</param>
/// <param name="SupportsModifiedSince">Whether If-Modified-Since is honoured.</param>
/// <param name="UpdatedField">The field that says when a record last changed, if any.</param>
/// <param name="ExtraQuery">Fixed query parameters (e.g. <c>includeArchived=true</c>).</param>
/// <param name="NotEntitledIsSkip">A 401/403 means "this app's tier has no access": skip, do not fail.</param>
/// <param name="AcceptsUnitDp">Xero's spec lists the <c>unitdp</c> parameter: ask for four decimal places of unit amounts.</param>
/// <param name="RetirementAnnounced">Xero has announced the endpoint's retirement: a 404 or 410 means "gone", not a bad request.</param>
public sealed record XeroEndpoint(
    string Name,
    string TableName,
    string CollectionProperty,
    string KeyField,
    PagingStyle Paging,
    int PageSize,
    bool SupportsModifiedSince,
    string? UpdatedField,
    string? ExtraQuery = null,
    bool NotEntitledIsSkip = false,
    bool AcceptsUnitDp = false,
    bool RetirementAnnounced = false)
{
    /// <summary>The <c>unitdp</c> value sent where accepted: Xero rounds unit amounts to 2 dp without it.</summary>
    public const int UnitDecimalPlaces = 4;

    /// <summary>
    /// The <c>order</c> sent on list calls: an immutable key, so an edit during a run moves no record across a page
    /// boundary (inserts still can; docs/xero-behaviour.md). Null where Xero takes no order or ordering is unsafe.
    /// </summary>
    public string? Order { get; init; }

    /// <summary>Xero's spec lists the <c>IDs</c> list filter (Invoices, Contacts): a targeted read names the ids there, not in a <c>where</c>.</summary>
    public bool AcceptsIds { get; init; }

    /// <summary>Whether Xero offers <c>summaryOnly=true</c> (lighter records, the cheapest ID sweep).</summary>
    public bool SupportsSummaryOnly { get; init; }

    /// <summary>The array only <c>GET /{Name}/{id}</c> fills (Budgets' BudgetLines, ContactGroups' Contacts); the list serves it empty.</summary>
    public string? DetailOnlyField { get; init; }

    /// <summary>
    /// Set on a detail endpoint (<see cref="PagingStyle.Detail"/>): the endpoint whose list it completes, one
    /// <c>GET /{DetailOf}/{id}</c> per listed record, landed in its own table.
    /// </summary>
    public string? DetailOf { get; init; }

    /// <summary>
    /// A detail endpoint whose parent records carry <see cref="UpdatedField"/>: an incremental run re-reads only the
    /// records changed since the watermark (the by-id call takes no If-Modified-Since; the filter is on the list's field).
    /// </summary>
    public bool SelectsChangedSince => Paging == PagingStyle.Detail && UpdatedField is not null;

    /// <summary>Whether the endpoint returns its collection over more than one call.</summary>
    public bool IsPaged => Paging != PagingStyle.None;

    public string Path => "/api.xro/2.0/" + Name;
}
