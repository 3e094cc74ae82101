namespace XeroSync.Xero;

/// <summary>How an Accounting endpoint splits its collection across calls.</summary>
public enum PagingStyle
{
    /// <summary>One call returns the whole collection; never loop.</summary>
    None,

    /// <summary><c>page</c> + <c>pageSize</c> (max 1000); the response carries a <c>pagination</c> object.</summary>
    PageAndSize,

    /// <summary><c>page</c> only, a fixed 100 records per page, no <c>pagination</c> object.</summary>
    PageOnly,

    /// <summary>Journals: <c>offset</c> = highest JournalNumber seen, 100 per call.</summary>
    Offset,

    /// <summary>
    /// One call per record of a parent's list, <c>GET /{Parent}/{id}</c> (Budgets' lines, ContactGroups' members):
    /// page n is the n-th record the parent's list page selected.
    /// </summary>
    Detail,
}
