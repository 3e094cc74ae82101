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
    int? LastPage)
{
    /// <summary>
    /// The record ids on the page, in order, where the endpoint's reads are verified (paged and page-only endpoints):
    /// given, the endpoint needs a verification before it may complete (see <see cref="IdTally"/>). Kept with the page;
    /// the first record of a page wins, as for the rest of it.
    /// </summary>
    public IReadOnlyList<string>? RecordIds { get; init; }

    /// <summary><c>pagination.itemCount</c> as Xero reported it with this page, if it did.</summary>
    public int? ItemCount { get; init; }

    /// <summary>
    /// The Xero calls this delivery made for the page, throttled ones included. Counted on the endpoint in the same write
    /// as the page, whether or not this record wins (the calls were made either way).
    /// </summary>
    public int Calls { get; init; }

    /// <summary>Response bytes of <see cref="Calls"/> as Xero sent them on the wire (compressed where Xero compressed).</summary>
    public long BytesReceived { get; init; }

    /// <summary>The same responses' bytes after content decoding.</summary>
    public long BytesDecoded { get; init; }

    /// <summary>The 429 answers among <see cref="Calls"/>.</summary>
    public int Throttles { get; init; }

    /// <summary>The page belongs to a re-read of what moved: its <see cref="Calls"/> count as re-read calls too.</summary>
    public bool Reread { get; init; }
}
