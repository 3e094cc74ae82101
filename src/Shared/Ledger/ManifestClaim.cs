namespace XeroSync.Ledger;

/// <summary>
/// Manifest <paramref name="Sequence"/> of an endpoint: the done pages it lists (assigned to it by the
/// ledger, exactly once), the pages that failed or were deferred as they stood when it was claimed, and
/// the claim time (the manifest's creation time, so a rewrite after a crash produces the same bytes).
/// </summary>
public sealed record ManifestClaim(
    int Sequence,
    DateTimeOffset ClaimedAt,
    IReadOnlyList<PageRecord> Pages,
    IReadOnlyList<int> FailedPages,
    IReadOnlyList<int> DeferredPages);
