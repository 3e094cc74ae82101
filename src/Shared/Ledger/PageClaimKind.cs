namespace XeroSync.Ledger;

/// <summary>What <see cref="IRunLedger.ClaimPageAsync"/> found.</summary>
public enum PageClaimKind
{
    /// <summary>This owner holds the page's lease now and should fetch it.</summary>
    Claimed,

    /// <summary>The page is done (by this or another delivery): reuse its record, do not call Xero.</summary>
    AlreadyDone,

    /// <summary>Another owner holds an unexpired lease; wait until <see cref="PageClaim.HeldUntil"/> at the latest.</summary>
    HeldElsewhere,

    /// <summary>The page lies past the endpoint's known last page: there is nothing to read.</summary>
    BeyondEnd,
}
