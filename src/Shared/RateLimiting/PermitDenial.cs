namespace XeroSync.RateLimiting;

/// <summary>Why a permit was not granted.</summary>
public enum PermitDenial
{
    None,

    /// <summary>A permit would come later than the caller is willing to wait.</summary>
    WaitTooLong,

    /// <summary>The tenant's day budget is spent; <see cref="XeroPermit.RetryAt"/> is the reset, if known.</summary>
    DayLimit,
}
