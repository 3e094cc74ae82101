using System.Net;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

public sealed class RateLimitObservationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Response(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    [Theory]
    [InlineData("Minute", RateLimitProblem.Minute)]
    [InlineData("minute", RateLimitProblem.Minute)]
    [InlineData("DAY", RateLimitProblem.Day)]
    [InlineData("Daily", RateLimitProblem.Day)]
    [InlineData("concurrent", RateLimitProblem.Concurrent)]
    [InlineData("AppMinute", RateLimitProblem.AppMinute)]
    [InlineData(" appminute ", RateLimitProblem.AppMinute)]
    [InlineData("weekly", RateLimitProblem.Unknown)]
    [InlineData("", RateLimitProblem.Unknown)]
    public void Problem_values_are_compared_case_insensitively(string value, RateLimitProblem expected)
    {
        using var response = Response(("X-Rate-Limit-Problem", value));
        Assert.Equal(expected, RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now).Problem);
    }

    [Fact]
    public void Missing_problem_on_a_429_is_unknown_and_on_a_success_is_none()
    {
        using var response = Response();
        Assert.Equal(RateLimitProblem.Unknown, RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now).Problem);
        Assert.Equal(RateLimitProblem.None, RateLimitObservation.FromHeaders(response.Headers, throttled: false, Now).Problem);
    }

    [Fact]
    public void Remaining_headers_are_read()
    {
        using var response = Response(("X-MinLimit-Remaining", "59"), ("X-DayLimit-Remaining", "4999"), ("X-AppMinLimit-Remaining", "9999"));
        var observation = RateLimitObservation.FromHeaders(response.Headers, throttled: false, Now);
        Assert.Equal(59, observation.MinuteRemaining);
        Assert.Equal(4999, observation.DayRemaining);
        Assert.Equal(9999, observation.AppMinuteRemaining);
        Assert.Equal(Now, observation.At);
        Assert.Null(observation.RetryAfter);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999")]
    [InlineData("")]
    public void Garbage_remaining_headers_are_null(string value)
    {
        using var response = Response(("X-MinLimit-Remaining", value), ("X-DayLimit-Remaining", value), ("X-AppMinLimit-Remaining", value), ("Retry-After", value));
        var observation = RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now);
        Assert.Null(observation.MinuteRemaining);
        Assert.Null(observation.DayRemaining);
        Assert.Null(observation.AppMinuteRemaining);
        Assert.Null(observation.RetryAfter);
    }

    [Fact]
    public void Missing_headers_are_null()
    {
        using var response = Response();
        var observation = RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now);
        Assert.Null(observation.MinuteRemaining);
        Assert.Null(observation.DayRemaining);
        Assert.Null(observation.AppMinuteRemaining);
        Assert.Null(observation.RetryAfter);
    }

    [Fact]
    public void Retry_after_as_delta_seconds()
    {
        using var response = Response(("X-Rate-Limit-Problem", "minute"), ("Retry-After", "42"));
        Assert.Equal(TimeSpan.FromSeconds(42), RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now).RetryAfter);
    }

    [Fact]
    public void Retry_after_as_http_date()
    {
        using var response = Response(("X-Rate-Limit-Problem", "day"), ("Retry-After", (Now + TimeSpan.FromMinutes(90)).ToString("r", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TimeSpan.FromMinutes(90), RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now).RetryAfter);
    }

    [Fact]
    public void Retry_after_date_in_the_past_is_zero()
    {
        using var response = Response(("Retry-After", (Now - TimeSpan.FromMinutes(1)).ToString("r", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TimeSpan.Zero, RateLimitObservation.FromHeaders(response.Headers, throttled: true, Now).RetryAfter);
    }

    [Fact]
    public void Retry_after_is_ignored_when_not_throttled()
    {
        using var response = Response(("Retry-After", "42"));
        Assert.Null(RateLimitObservation.FromHeaders(response.Headers, throttled: false, Now).RetryAfter);
    }
}
