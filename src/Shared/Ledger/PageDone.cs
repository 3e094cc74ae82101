namespace XeroSync.Ledger;

/// <summary>
/// A page fetched and written to the object store. <paramref name="LastPage"/> is the endpoint's real last
/// page when this page told it (pagination.pageCount on page 1, a short page of a chain); the ledger keeps
/// the first value it is told.
/// </summary>
public sealed record PageDone(
    EndpointKey Key,
    int Page,
    int Records,
    string? ObjectName,
    long? Offset,
    long? NextOffset,
    bool IsLast,
    int? LastPage);
