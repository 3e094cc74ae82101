namespace XeroSync.XeroSimulator.Limits;

/// <summary>Outcome of asking the limiter for one call, with the remaining budgets for the response headers.</summary>
internal sealed record RateLimitDecision(bool Allowed, string? Problem, int? RetryAfterSeconds, int DayRemaining, int MinuteRemaining, int AppMinuteRemaining);
