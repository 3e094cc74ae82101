namespace XeroSync.Xero;

/// <summary>What one Xero response said about the limits: the <c>X-*-Remaining</c> headers, and for a 429 the problem and Retry-After.</summary>
public sealed record RateLimitObservation(
    DateTimeOffset At,
    int? MinuteRemaining,
    int? DayRemaining,
    int? AppMinuteRemaining,
    RateLimitProblem Problem = RateLimitProblem.None,
    TimeSpan? RetryAfter = null)
{
    public static RateLimitObservation FromHeaders(System.Net.Http.Headers.HttpResponseHeaders headers, bool throttled, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var problem = RateLimitProblem.None;
        TimeSpan? retryAfter = null;
        if (throttled)
        {
            problem = ParseProblem(First(headers, "X-Rate-Limit-Problem"));
            retryAfter = headers.RetryAfter switch
            {
                { Delta: { } delta } when delta >= TimeSpan.Zero => delta,
                { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
                _ => null,
            };
        }

        return new RateLimitObservation(
            now,
            Int(headers, "X-MinLimit-Remaining"),
            Int(headers, "X-DayLimit-Remaining"),
            Int(headers, "X-AppMinLimit-Remaining"),
            problem,
            retryAfter);
    }

    public static RateLimitProblem ParseProblem(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "MINUTE" => RateLimitProblem.Minute,
        "DAY" or "DAILY" => RateLimitProblem.Day,
        "CONCURRENT" => RateLimitProblem.Concurrent,
        "APPMINUTE" or "APP-MINUTE" or "APP_MINUTE" => RateLimitProblem.AppMinute,
        _ => RateLimitProblem.Unknown,
    };

    private static string? First(System.Net.Http.Headers.HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static int? Int(System.Net.Http.Headers.HttpResponseHeaders headers, string name) =>
        int.TryParse(First(headers, name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : null;
}
