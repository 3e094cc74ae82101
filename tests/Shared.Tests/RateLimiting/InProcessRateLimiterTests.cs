using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger.Local;
using XeroSync.RateLimiting;
using XeroSync.Xero;

namespace XeroSync.Tests.RateLimiting;

public sealed class InProcessRateLimiterTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Signal = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A limiter on this test's state file: every limiter a test creates shares it, like processes on one data folder.</summary>
    private InProcessRateLimiter Create(FakeTimeProvider time, Action<RateLimitOptions>? configure = null) =>
        Create(time, new SqliteCallHistory(SqliteStateDatabase.InFolder(_data.Path)), configure);

    private static InProcessRateLimiter Create(FakeTimeProvider time, SqliteCallHistory history, Action<RateLimitOptions>? configure = null)
    {
        var options = new RateLimitOptions();
        configure?.Invoke(options);
        return new InProcessRateLimiter(Options.Create(options), history, time, NullLogger<InProcessRateLimiter>.Instance);
    }

    private static async Task<XeroPermit> Granted(InProcessRateLimiter limiter, string tenant = Tenant)
    {
        var permit = await limiter.AcquireAsync(tenant, Timeout.InfiniteTimeSpan, Token).AsTask().WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        return permit;
    }

    /// <summary>Yields to the thread pool so continuations released by a fake-clock advance can run.</summary>
    private static async Task Settle()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
        }
    }

    private static async Task AssertPendingUntil(FakeTimeProvider time, Task<XeroPermit> acquire, TimeSpan pending)
    {
        // Step to just before the expected release: still waiting.
        time.Advance(pending - TimeSpan.FromMilliseconds(1));
        await Settle();
        Assert.False(acquire.IsCompleted, $"permit granted before {pending}");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var permit = await acquire.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_arrivals_never_exceed_the_minute_limit_or_concurrency_measured_from_release_times(int seed)
    {
        const int perMinute = 10;
        const int concurrent = 3;
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time, o =>
        {
            o.PerMinute = perMinute;
            o.Concurrent = concurrent;
        });
        var random = new Random(seed);
        var grants = new List<(DateTimeOffset Granted, DateTimeOffset Released)>();
        var gate = new Lock();
        var inFlight = 0;
        var maxInFlight = 0;

        async Task Call(TimeSpan arrival, TimeSpan latency)
        {
            await Task.Delay(arrival, time, Token);
            var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
            Assert.True(permit.IsGranted);
            var granted = time.GetUtcNow();
            lock (gate)
            {
                maxInFlight = Math.Max(maxInFlight, ++inFlight);
            }

            await Task.Delay(latency, time, Token);
            lock (gate)
            {
                inFlight--;
                grants.Add((granted, time.GetUtcNow()));
            }

            await permit.DisposeAsync();
        }

        var calls = Enumerable.Range(0, 60)
            .Select(_ => Call(TimeSpan.FromMilliseconds(random.Next(0, 180_000)), TimeSpan.FromMilliseconds(random.Next(1, 5_000))))
            .ToList();
        var all = Task.WhenAll(calls);
        for (var step = 0; step < 20_000 && !all.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Settle();
        }

        await all.WaitAsync(Signal, Token);
        Assert.Equal(60, grants.Count);
        Assert.True(maxInFlight <= concurrent, $"{maxInFlight} in flight, limit {concurrent}");

        // Each call reaches Xero somewhere in [granted, released]; a fixed minute window can count it until
        // released + 60 s. At no instant may more than perMinute such intervals overlap.
        foreach (var (granted, _) in grants)
        {
            var overlapping = grants.Count(g => g.Granted <= granted && g.Released + TimeSpan.FromMinutes(1) > granted);
            Assert.True(overlapping <= perMinute, $"{overlapping} calls could share a minute window at {granted:O}");
        }

        // And no 60 s window of release times holds more than perMinute calls.
        foreach (var (_, released) in grants)
        {
            var inWindow = grants.Count(g => g.Released >= released && g.Released < released + TimeSpan.FromMinutes(1));
            Assert.True(inWindow <= perMinute, $"{inWindow} releases in the minute from {released:O}");
        }
    }

    [Fact]
    public async Task Never_more_than_concurrent_permits_in_flight()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time, o => o.Concurrent = 2);
        var first = await Granted(limiter);
        var second = await Granted(limiter);
        var third = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await Settle();
        Assert.False(third.IsCompleted);
        await first.DisposeAsync();
        var permit = await third.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await second.DisposeAsync();
        await permit.DisposeAsync();
    }

    [Fact]
    public async Task Observed_minute_remaining_lower_than_own_count_makes_the_next_permit_wait()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await (await Granted(limiter)).DisposeAsync();
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 0, 4000, 9000), Token);
        var next = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, next, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Minute_429_with_retry_after_pauses_the_tenant_exactly_that_long()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await (await Granted(limiter)).DisposeAsync();
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 0, 4000, 9000, RateLimitProblem.Minute, TimeSpan.FromSeconds(17)), Token);
        var next = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, next, TimeSpan.FromSeconds(17));
    }

    [Fact]
    public async Task Day_429_denies_with_the_reset_as_retry_at()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromHours(3)), Token);
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);
        Assert.Equal(Start + TimeSpan.FromHours(3), permit.RetryAt);

        time.Advance(TimeSpan.FromHours(3));
        await (await Granted(limiter)).DisposeAsync();
    }

    [Fact]
    public async Task Day_remaining_zero_denies_and_recovers_later()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 0, 9000), Token);
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);

        // Xero's day window resets within 24 hours: an in-process limiter must not deny the tenant forever.
        time.Advance(TimeSpan.FromHours(24));
        await (await Granted(limiter)).DisposeAsync();
    }

    [Fact]
    public async Task Day_remaining_counts_down_per_permit()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 2, 9000), Token);
        await (await Granted(limiter)).DisposeAsync();
        await (await Granted(limiter)).DisposeAsync();
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);
    }

    [Fact]
    public async Task Concurrent_429_pauses_briefly()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time, o => o.ConcurrentBackoff = TimeSpan.FromSeconds(1));
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 4000, 9000, RateLimitProblem.Concurrent), Token);
        var next = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await Settle();
        Assert.False(next.IsCompleted);

        // Back-off is the configured second plus up to 50 % jitter: granted within 1.5 s, not a minute.
        time.Advance(TimeSpan.FromMilliseconds(1500));
        var permit = await next.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    [Fact]
    public async Task App_minute_429_pauses_every_tenant()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 4000, 0, RateLimitProblem.AppMinute, TimeSpan.FromSeconds(20)), Token);
        var other = limiter.AcquireAsync("tenant-b", Timeout.InfiniteTimeSpan, Token).AsTask();
        var same = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await Settle();
        Assert.False(other.IsCompleted);
        Assert.False(same.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(60));
        await (await other.WaitAsync(Signal, Token)).DisposeAsync();
        await (await same.WaitAsync(Signal, Token)).DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hourly")]
    public async Task Unknown_or_missing_problem_backs_off_safely(string? problem)
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time);
        var parsed = RateLimitObservation.ParseProblem(problem);
        Assert.Equal(RateLimitProblem.Unknown, parsed);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), null, null, null, parsed), Token);
        var next = limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        await Settle();
        Assert.False(next.IsCompleted, "an unknown 429 must back off for at least 5 s");
        time.Advance(TimeSpan.FromSeconds(4));
        await (await next.WaitAsync(Signal, Token)).DisposeAsync();
    }

    [Fact]
    public async Task Short_max_wait_is_denied_wait_too_long()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time, o => o.PerMinute = 1);
        await (await Granted(limiter)).DisposeAsync();
        var permit = await limiter.AcquireAsync(Tenant, TimeSpan.FromSeconds(5), Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.WaitTooLong, permit.Denial);
        Assert.Equal(Start + TimeSpan.FromMinutes(1), permit.RetryAt);
    }

    [Fact]
    public async Task Tenants_are_independent()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = Create(time, o =>
        {
            o.PerMinute = 1;
            o.Concurrent = 1;
        });
        var a = await Granted(limiter, "tenant-a");
        var b = await Granted(limiter, "tenant-b");
        await limiter.ObserveAsync("tenant-c", new RateLimitObservation(time.GetUtcNow(), 0, 0, 9000, RateLimitProblem.Day, TimeSpan.FromHours(1)), Token);
        var c = await limiter.AcquireAsync("tenant-c", TimeSpan.Zero, Token);
        Assert.Equal(PermitDenial.DayLimit, c.Denial);
        var d = await Granted(limiter, "tenant-d");
        await a.DisposeAsync();
        await b.DisposeAsync();
        await d.DisposeAsync();
        Assert.Equal(PermitDenial.WaitTooLong, (await limiter.AcquireAsync("tenant-a", TimeSpan.FromSeconds(1), Token)).Denial);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_limiter_started_after_another_counts_its_last_minute_of_calls()
    {
        var time = new FakeTimeProvider(Start);
        using (var first = Create(time, o => o.PerMinute = 3))
        {
            for (var i = 0; i < 3; i++)
            {
                await (await Granted(first)).DisposeAsync();
            }
        }

        // The "restarted process": a new limiter on the same state file, nothing in memory.
        time.Advance(TimeSpan.FromSeconds(20));
        using var second = Create(time, o => o.PerMinute = 3);
        var next = second.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, next, TimeSpan.FromSeconds(40));
        await (await Granted(second, "tenant-b")).DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_limiters_on_one_state_file_share_the_minute_window()
    {
        var time = new FakeTimeProvider(Start);
        using var a = Create(time, o => o.PerMinute = 4);
        using var b = Create(time, o => o.PerMinute = 4);
        await (await Granted(a)).DisposeAsync();
        await (await Granted(b)).DisposeAsync();
        await (await Granted(a)).DisposeAsync();
        await (await Granted(b)).DisposeAsync();
        Assert.Equal(PermitDenial.WaitTooLong, (await a.AcquireAsync(Tenant, TimeSpan.FromSeconds(59), Token)).Denial);
        Assert.Equal(PermitDenial.WaitTooLong, (await b.AcquireAsync(Tenant, TimeSpan.FromSeconds(59), Token)).Denial);
        var next = b.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, next, TimeSpan.FromMinutes(1));

        // Another tenant is not affected by the first one's window.
        await (await Granted(a, "tenant-b")).DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_limiters_on_one_state_file_share_the_in_flight_cap()
    {
        var time = new FakeTimeProvider(Start);
        using var a = Create(time, o => o.Concurrent = 1);
        using var b = Create(time, o => o.Concurrent = 1);
        var held = await Granted(a);
        var waiting = b.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Settle();
        }

        Assert.False(waiting.IsCompleted, "the other limiter's call is still in flight");
        await held.DisposeAsync();
        time.Advance(TimeSpan.FromMilliseconds(50));
        var permit = await waiting.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_call_held_by_a_killed_process_counts_as_completed_when_noticed()
    {
        var time = new FakeTimeProvider(Start);
        var deadPid = await ExitedProcessIdAsync();
        var state = SqliteStateDatabase.InFolder(_data.Path);
        using var killed = Create(time, new SqliteCallHistory(state, deadPid, 0), o => o.PerMinute = 1);

        // Reserved (durable) and never released: the process died with the call in flight.
        _ = await Granted(killed);
        time.Advance(TimeSpan.FromSeconds(30));
        using var restarted = Create(time, o =>
        {
            o.PerMinute = 1;
            o.Concurrent = 1;
        });

        // Not free: the call may have reached Xero as late as now, so its slot is held for a minute from now.
        var next = restarted.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, next, TimeSpan.FromMinutes(1));
    }

    [Fact(Timeout = 30_000)]
    public async Task Pauses_and_day_deferrals_survive_a_restart()
    {
        var time = new FakeTimeProvider(Start);
        using (var first = Create(time))
        {
            await first.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 0, 4000, 9000, RateLimitProblem.Minute, TimeSpan.FromSeconds(25)), Token);
            await first.ObserveAsync("tenant-b", new RateLimitObservation(time.GetUtcNow(), 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromHours(2)), Token);
            await first.ObserveAsync("tenant-c", new RateLimitObservation(time.GetUtcNow(), 50, 1, 9000), Token);
        }

        using var second = Create(time);
        var denied = await second.AcquireAsync("tenant-b", Timeout.InfiniteTimeSpan, Token);
        Assert.Equal(PermitDenial.DayLimit, denied.Denial);
        Assert.Equal(Start + TimeSpan.FromHours(2), denied.RetryAt);
        await (await Granted(second, "tenant-c")).DisposeAsync();
        Assert.Equal(PermitDenial.DayLimit, (await second.AcquireAsync("tenant-c", TimeSpan.Zero, Token)).Denial);
        var paused = second.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask();
        await AssertPendingUntil(time, paused, TimeSpan.FromSeconds(25));
    }

    /// <summary>The pid of a process that has run and exited (a killed owner's, as far as the limiter can tell).</summary>
    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        var pid = process.Id;
        await process.WaitForExitAsync(Token);
        Assert.Null(SqliteCallHistory.ProcessStartTicks(pid));
        return pid;
    }
}
