using System.ComponentModel.DataAnnotations;

namespace XeroSync.RateLimiting;

/// <summary>Xero's documented limits (research/xero.md §1); lower them to leave headroom for other apps.</summary>
public sealed class RateLimitOptions
{
    [Range(1, 60)]
    public int PerMinute { get; set; } = 60;

    [Range(1, 5)]
    public int Concurrent { get; set; } = 5;

    /// <summary>5,000 a day on paid tiers, 1,000 on Starter (<c>XERO_DAILY_LIMIT</c>).</summary>
    [Range(1, 5000)]
    public int PerDay { get; set; } = 5000;

    [Range(1, 10000)]
    public int AppPerMinute { get; set; } = 10000;

    /// <summary>Back-off after a <c>concurrent</c> 429 (the docs promise no Retry-After there).</summary>
    public TimeSpan ConcurrentBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Used when a 429 carries no usable Retry-After.</summary>
    public TimeSpan FallbackRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A day-limit 429 whose reset (its Retry-After) is at most this far off is waited out as a minute-limit 429 is: Xero's day
    /// is a rolling 24 hours, so its reset may be seconds away, and deferring the organisation's pages to a retry for that
    /// would leave the run partial for nothing. A later reset defers them (<see cref="PermitDenial.DayLimit"/>).
    /// </summary>
    public TimeSpan DayWaitLimit { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a caller waits for a day limit that ends at <paramref name="until"/>: the time to it when that is within
    /// <see cref="DayWaitLimit"/>, null when the organisation is to be deferred instead.
    /// </summary>
    public TimeSpan? DayWait(DateTimeOffset until, DateTimeOffset now) => until - now is var wait && wait <= DayWaitLimit ? wait : null;
}
