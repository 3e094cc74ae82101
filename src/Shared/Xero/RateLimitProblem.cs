namespace XeroSync.Xero;

/// <summary>The limit a 429 names in <c>X-Rate-Limit-Problem</c> (compared case-insensitively).</summary>
public enum RateLimitProblem
{
    None,
    Minute,
    Day,
    Concurrent,
    AppMinute,

    /// <summary>A 429 with a missing or unrecognised problem: back off with jitter.</summary>
    Unknown,
}
