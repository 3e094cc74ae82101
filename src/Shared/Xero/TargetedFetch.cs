namespace XeroSync.Xero;

/// <summary>
/// A targeted read: named records of a list endpoint, as a webhook reports them changed. Xero's spec (Xero-OpenAPI
/// xero_accounting.yaml, GET /Invoices and GET /Contacts) offers the <c>IDs</c> filter on Invoices and Contacts; the
/// other webhook endpoints (CreditNotes, Prepayments, Payments) take a <c>where</c> on their id field. Xero documents no
/// maximum number of ids, but answers 404 once the URL passes 2,091 characters (Xero-NetStandard #471; 53 ids in
/// <c>IDs</c> already fail, Xero-OpenAPI #534, xero-node #404). So a call names 50 ids in <c>IDs</c> (39 characters
/// each once the comma is escaped: about 2,070 with the rest of the URL) and 25 in a <c>where</c> (78 characters each
/// escaped, with its <c>OR</c>: about 2,050), and every call fits one page (the page size is 1000).
/// </summary>
public static class TargetedFetch
{
    /// <summary>Ids per call in Xero's <c>IDs</c> parameter.</summary>
    public const int IdsPerCallWithIds = 50;

    /// <summary>Ids per call in a <c>where</c> of ORed id comparisons.</summary>
    public const int IdsPerCallWithWhere = 25;

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
