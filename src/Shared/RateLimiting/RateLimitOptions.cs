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
}
