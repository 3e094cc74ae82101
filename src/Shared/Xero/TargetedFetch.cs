namespace XeroSync.Xero;

/// <summary>
/// A targeted read: named records of a list endpoint, as a webhook reports them changed. Xero's spec (Xero-OpenAPI
/// xero_accounting.yaml, GET /Invoices and GET /Contacts) offers the <c>IDs</c> filter on Invoices and Contacts; the
/// other webhook endpoints (CreditNotes, Prepayments, Payments) take a <c>where</c> on their id field. Xero documents
/// no maximum number of ids: the URL stays near 4 KB, 100 ids in <c>IDs</c> (37 characters each) and 40 in a
/// <c>where</c> (about 90 characters each once escaped), and every call fits one page (the page size is 1000).
/// </summary>
public static class TargetedFetch
{
    /// <summary>Ids per call in Xero's <c>IDs</c> parameter.</summary>
    public const int IdsPerCallWithIds = 100;

    /// <summary>Ids per call in a <c>where</c> of ORed id comparisons.</summary>
    public const int IdsPerCallWithWhere = 40;

    /// <summary>How many ids one call of <paramref name="endpoint"/> names.</summary>
    public static int IdsPerCall(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.AcceptsIds ? IdsPerCallWithIds : IdsPerCallWithWhere;
    }

    /// <summary>Whether a targeted read of <paramref name="endpoint"/> is possible: a paged list endpoint keyed by a GUID.</summary>
    public static bool Supports(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Paging == PagingStyle.PageAndSize && endpoint.DetailOf is null;
    }

    /// <summary>A record id in Xero's canonical form (a lower- or upper-case GUID with hyphens): nothing else reaches a query.</summary>
    public static bool IsRecordId(string? value) => value is { Length: 36 } && Guid.TryParseExact(value, "D", out _);

    /// <summary>The ids of ledger page <paramref name="page"/> (1-based) of a targeted read of <paramref name="ids"/>.</summary>
    public static IReadOnlyList<string> Chunk(IReadOnlyList<string> ids, XeroEndpoint endpoint, int page)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var size = IdsPerCall(endpoint);
        return [.. ids.Skip((page - 1) * size).Take(size)];
    }

    /// <summary>Calls (ledger pages) a targeted read of <paramref name="count"/> ids takes.</summary>
    public static int Pages(int count, XeroEndpoint endpoint) => Math.Max(1, (count + IdsPerCall(endpoint) - 1) / IdsPerCall(endpoint));
}
