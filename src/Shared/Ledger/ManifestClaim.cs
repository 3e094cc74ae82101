namespace XeroSync.Ledger;

/// <summary>
/// The right, won by exactly one caller, to write manifest <paramref name="Sequence"/> of
/// (run, tenant, endpoint) listing <paramref name="Pages"/>: done pages not in an earlier manifest,
/// plus the failed and deferred pages as they stand.
/// </summary>
public sealed record ManifestClaim(int Sequence, IReadOnlyList<PageRecord> Pages);
