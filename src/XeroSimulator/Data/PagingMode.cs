namespace XeroSync.XeroSimulator.Data;

internal enum PagingMode
{
    /// <summary>Whole collection in one response.</summary>
    None,

    /// <summary>page (1-based) + pageSize (default 100, clamp 1000) and a pagination object.</summary>
    PageAndSize,

    /// <summary>page only, 100 per page, no pagination object.</summary>
    PageOnly,

    /// <summary>Journals: offset on JournalNumber, 100 per response.</summary>
    Offset,
}
