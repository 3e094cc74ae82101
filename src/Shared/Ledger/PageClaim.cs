namespace XeroSync.Ledger;

/// <summary>The answer to a page claim: what to do, the page as stored, and (when held elsewhere) until when.</summary>
public sealed record PageClaim(PageClaimKind Kind, PageRecord? Page, DateTimeOffset? HeldUntil = null);
