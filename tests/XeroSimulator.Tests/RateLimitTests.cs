using System.Net;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

public sealed class RateLimitTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task The_61st_call_in_a_minute_window_is_throttled_with_retry_after_and_costs_nothing()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        for (var i = 0; i < 60; i++)
        {
            using var ok = await sim.GetAsync("Currencies");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal((59 - i).ToString(), ok.Headers.GetValues("X-MinLimit-Remaining").Single());
        }

        using var throttled = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("minute", throttled.Headers.GetValues("X-Rate-Limit-Problem").Single());
        var retryAfter = throttled.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter.TotalSeconds, 1, 60);
        Assert.Equal("4940", throttled.Headers.GetValues("X-DayLimit-Remaining").Single());
        Assert.Equal(60, sim.State.ApiCalls(sim.TenantId));
        Assert.Equal(1, sim.State.Throttled(sim.TenantId, RateLimitProblem.Minute));

        clock.Advance(retryAfter);
        using var again = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("59", again.Headers.GetValues("X-MinLimit-Remaining").Single());
    }

    [Fact(Timeout = 60_000)]
    public async Task Tenants_have_independent_budgets()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = clock, Tenants = 2, Scale = 0.05, CreatedAt = Start, ChangesPerMinute = 0, PerMinuteLimit = 3 });
        for (var i = 0; i < 3; i++)
        {
            using var _ = await sim.GetAsync("Currencies");
        }

        using var first = await sim.GetAsync("Currencies");
        using var second = await sim.GetAsync("Currencies", sim.State.Tenants[1].TenantId);
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_sixth_concurrent_call_is_throttled_without_retry_after()
    {
        var clock = AdjustableTimeProvider.StartingAt(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        sim.State.SetFaults(new SimulatorFaults { SlowRate = 1, SlowLatency = TimeSpan.FromSeconds(2) });
        var calls = Enumerable.Range(0, 6).Select(_ => sim.GetAsync("Currencies")).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        try
        {
            var throttled = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.Equal("concurrent", throttled.Headers.GetValues("X-Rate-Limit-Problem").Single());
            Assert.Null(throttled.Headers.RetryAfter);
            Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(5, sim.State.MaxConcurrency(sim.TenantId));
            Assert.Equal(1, sim.State.Throttled(sim.TenantId, RateLimitProblem.Concurrent));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_daily_limit_throttles_with_retry_after_until_the_day_window_resets()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = clock, Scale = 0.05, CreatedAt = Start, ChangesPerMinute = 0, DailyLimit = 3 });
        for (var i = 0; i < 3; i++)
        {
            using var ok = await sim.GetAsync("Currencies");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var throttled = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("day", throttled.Headers.GetValues("X-Rate-Limit-Problem").Single());
        var retryAfter = throttled.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter.TotalSeconds, 1, 86400);
        Assert.Equal("0", throttled.Headers.GetValues("X-DayLimit-Remaining").Single());

        clock.Advance(retryAfter);
        await sim.AuthenticateAsync();
        using var nextDay = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
        Assert.Equal("2", nextDay.Headers.GetValues("X-DayLimit-Remaining").Single());
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_api_response_carries_limit_headers_and_the_simulator_date()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        foreach (var endpoint in sim.State.Endpoints)
        {
            using var response = await sim.GetAsync(endpoint + "?page=1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var header in new[] { "X-DayLimit-Remaining", "X-MinLimit-Remaining", "X-AppMinLimit-Remaining" })
            {
                Assert.True(response.Headers.Contains(header), $"{endpoint} lacks {header}");
            }

            Assert.Equal(Start, response.Headers.Date);
        }

        using var connections = await sim.Http.GetAsync("connections", TestContext.Current.CancellationToken);
        Assert.True(connections.Headers.Contains("X-AppMinLimit-Remaining"));
        Assert.False(connections.Headers.Contains("X-MinLimit-Remaining"));
    }
}
