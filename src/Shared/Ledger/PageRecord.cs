namespace XeroSync.Ledger;

/// <summary>One page's entry in the run ledger.</summary>
/// <param name="Offset">Journals: the offset this page was requested with.</param>
/// <param name="NextOffset">Journals: the highest JournalNumber on this page.</param>
/// <param name="IsLast">The page held fewer records than a full page (or was the known last page): the endpoint ends here.</param>
/// <param name="ManifestSequence">The manifest that listed this page, once one did.</param>
/// <param name="LeaseOwner">The delivery that holds the page while it reads it, if any.</param>
/// <param name="LeaseExpiresAt">When that lease runs out unless renewed (a crashed holder's lease simply expires).</param>
public sealed record PageRecord(
    string RunId,
    string TenantId,
    string Endpoint,
    int Page,
    PageStatus Status,
    int Records = 0,
    string? ObjectName = null,
    long? Offset = null,
    long? NextOffset = null,
    bool IsLast = false,
    string? Error = null,
    int? ManifestSequence = null,
    DateTimeOffset? UpdatedAt = null,
    string? LeaseOwner = null,
    DateTimeOffset? LeaseExpiresAt = null);
