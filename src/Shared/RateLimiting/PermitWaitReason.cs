namespace XeroSync.RateLimiting;

/// <summary>What a denied (<see cref="PermitDenial.WaitTooLong"/>) permit was waiting for, so the caller can say why it gave up.</summary>
public enum PermitWaitReason
{
    None,

    /// <summary>The tenant (or the app) is paused by a 429's Retry-After.</summary>
    Paused,

    /// <summary>The tenant's calls in the last minute use its whole minute budget.</summary>
    MinuteBudget,

    /// <summary>The tenant's calls in flight are at the concurrency limit.</summary>
    InFlight,

    /// <summary>The tenant's shared slot blocks are held by other instances.</summary>
    HeldElsewhere,

    /// <summary>The app-wide minute budget (this instance's share of it) is used.</summary>
    AppBudget,
}
