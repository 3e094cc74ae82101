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
    private InProcessRateLimiter Create(ParkingClock time, Action<RateLimitOptions>? configure = null) =>
        Create(time, new SqliteCallHistory(SqliteStateDatabase.InFolder(_data.Path)), configure);

    private static InProcessRateLimiter Create(ParkingClock time, SqliteCallHistory history, Action<RateLimitOptions>? configure = null)
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

    /// <summary>
    /// Starts a request and proves it is granted exactly when <paramref name="pending"/> has passed: it parks on the clock
    /// with nothing due before then (the clock's own signal, not a guess that it got there), is still waiting a
    /// millisecond before, and is granted at that instant.
    /// </summary>
    private static async Task AssertPendingUntil(ParkingClock time, Func<Task<XeroPermit>> start, TimeSpan pending)
    {
        time.Forget();
        var until = time.GetUtcNow() + pending;
        var acquire = start();
        await time.ParkedUntilAsync(acquire, until, Signal, Token);
        time.Advance(until - TimeSpan.FromMilliseconds(1) - time.GetUtcNow());
        Assert.False(acquire.IsCompleted, $"permit granted before {pending}");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var permit = await acquire.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    /// <summary>Starts a request and waits for the clock's signal that it is parked with nothing due before <paramref name="pending"/>.</summary>
    private static async Task<Task<XeroPermit>> StartParked(ParkingClock time, Func<Task<XeroPermit>> start, TimeSpan pending)
    {
        time.Forget();
        var until = time.GetUtcNow() + pending;
        var acquire = start();
        await time.ParkedUntilAsync(acquire, until, Signal, Token);
        return acquire;
    }

    [Theory(Timeout = 60_000)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_arrivals_never_exceed_the_minute_limit_or_concurrency_measured_from_release_times(int seed)
    {
        const int perMinute = 10;
        const int concurrent = 3;
        var time = new ParkingClock(Start);
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

        // Every call resumes on the test's thread, and the clock moves only when each has reached its next wait.
        var pump = new ManualPump();
        var all = pump.Start(() => Task.WhenAll(Enumerable.Range(0, 60)
            .Select(_ => Call(TimeSpan.FromMilliseconds(random.Next(0, 180_000)), TimeSpan.FromMilliseconds(random.Next(1, 5_000))))
            .ToList()));
        for (var step = 0; step < 20_000 && !all.IsCompleted; step++)
        {
            pump.RunUntilIdle();
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }

        pump.RunUntilIdle();

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

    [Fact(Timeout = 60_000)]
    public async Task Never_more_than_concurrent_permits_in_flight()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time, o => o.Concurrent = 2);
        var first = await Granted(limiter);
        var second = await Granted(limiter);
        // Parked on the in-flight cap for as long as it is willing to wait; only a release lets it through.
        var third = await StartParked(time, () => limiter.AcquireAsync(Tenant, TimeSpan.FromMinutes(10), Token).AsTask(), TimeSpan.FromMinutes(10));
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.False(third.IsCompleted, "granted while two permits were out");
        await first.DisposeAsync();
        var permit = await third.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await second.DisposeAsync();
        await permit.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Observed_minute_remaining_lower_than_own_count_makes_the_next_permit_wait()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await (await Granted(limiter)).DisposeAsync();
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 0, 4000, 9000), Token);
        await AssertPendingUntil(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromMinutes(1));
    }

    [Fact(Timeout = 60_000)]
    public async Task Minute_429_with_retry_after_pauses_the_tenant_exactly_that_long()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await (await Granted(limiter)).DisposeAsync();
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 0, 4000, 9000, RateLimitProblem.Minute, TimeSpan.FromSeconds(17)), Token);
        await AssertPendingUntil(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(17));
    }

    [Fact(Timeout = 60_000)]
    public async Task Day_429_denies_with_the_reset_as_retry_at()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromHours(3)), Token);
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);
        Assert.Equal(Start + TimeSpan.FromHours(3), permit.RetryAt);

        time.Advance(TimeSpan.FromHours(3));
        await (await Granted(limiter)).DisposeAsync();
    }

    /// <summary>
    /// Xero's day is a rolling 24 hours: its 429's Retry-After may be seconds. A reset within the configured wait is waited
    /// for as a minute 429's pause is (the permit comes at the reset, not a deferral); one past it defers the organisation.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(30, 120, true)]
    [InlineData(120, 120, true)]
    [InlineData(121, 120, false)]
    [InlineData(30, 0, false)]
    public async Task A_day_429_whose_reset_is_within_the_day_wait_is_waited_out_and_a_later_one_defers(int retryAfterSeconds, int dayWaitSeconds, bool waited)
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time, o => o.DayWaitLimit = TimeSpan.FromSeconds(dayWaitSeconds));
        var retryAfter = TimeSpan.FromSeconds(retryAfterSeconds);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 10, 0, 9000, RateLimitProblem.Day, retryAfter), Token);
        if (waited)
        {
            // A caller that cannot wait that long is told to come back at the reset, not that the day is spent.
            var impatient = await limiter.AcquireAsync(Tenant, retryAfter - TimeSpan.FromSeconds(1), Token);
            Assert.Equal(PermitDenial.WaitTooLong, impatient.Denial);
            Assert.Equal(Start + retryAfter, impatient.RetryAt);
            await AssertPendingUntil(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), retryAfter);
        }
        else
        {
            var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
            Assert.Equal(PermitDenial.DayLimit, permit.Denial);
            Assert.Equal(Start + retryAfter, permit.RetryAt);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_day_429_holds_until_its_reset_though_a_call_made_before_it_answers_later_with_calls_remaining()
    {
        // Up to five calls are in flight when one gets the day 429: their answers arrive after it, each with the
        // remaining count Xero saw when it served them. The tenant stays deferred until Retry-After says.
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromMinutes(30)), Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 9, 4000, 9000), Token);

        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);
        Assert.Equal(Start + TimeSpan.FromMinutes(30), permit.RetryAt);

        time.Advance(TimeSpan.FromMinutes(30));
        await (await Granted(limiter)).DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Day_remaining_zero_denies_and_recovers_later()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 0, 9000), Token);
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);

        // Xero's day window resets within 24 hours: an in-process limiter must not deny the tenant forever.
        time.Advance(TimeSpan.FromHours(24));
        await (await Granted(limiter)).DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Day_remaining_counts_down_per_permit()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 2, 9000), Token);
        await (await Granted(limiter)).DisposeAsync();
        await (await Granted(limiter)).DisposeAsync();
        var permit = await limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token);
        Assert.Equal(PermitDenial.DayLimit, permit.Denial);
    }

    /// <summary>
    /// Xero's X-DayLimit-Remaining counts the calls Xero has received. A permit taken but whose request has not gone out
    /// is not in an answer another call brings back: "1 left" with one such permit outstanding leaves nothing for a
    /// third call; that permit's own answer ("0 left") spends the day, and giving it back unused leaves the one call.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_permit_not_yet_sent_is_not_taken_as_counted_by_another_calls_answer(bool firstIsSent)
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        var unsent = await Granted(limiter);
        var answered = await Granted(limiter);
        await answered.MarkSentAsync();
        Assert.True(await answered.AnsweredAsync(new RateLimitObservation(time.GetUtcNow(), 50, 1, 9000), Token));
        await answered.DisposeAsync();

        var early = await limiter.AcquireAsync(Tenant, TimeSpan.FromMilliseconds(10), Token);
        Assert.False(early.IsGranted, "a third call granted while the first permit's call may still take Xero's last one");
        Assert.Equal(PermitDenial.WaitTooLong, early.Denial);

        if (firstIsSent)
        {
            await unsent.MarkSentAsync();
            await unsent.AnsweredAsync(new RateLimitObservation(time.GetUtcNow(), 50, 0, 9000), Token);
            await unsent.DisposeAsync();
        }
        else
        {
            await unsent.ReturnUnusedAsync();
        }

        await using var third = await limiter.AcquireAsync(Tenant, TimeSpan.FromMilliseconds(10), Token);
        Assert.Equal(!firstIsSent, third.IsGranted);
        if (firstIsSent)
        {
            Assert.Equal(PermitDenial.DayLimit, third.Denial);
        }
    }

    /// <summary>
    /// X-DayLimit-Remaining counts the calls Xero has received, and answers can be read in another order than Xero counted
    /// the calls. "1 left" read for one call while another is sent and unanswered leaves nothing for a third call: the
    /// other may have taken it. Its own answer settles it: "0 left" (Xero counted it after) spends the day; "2 left" (read
    /// late: Xero counted it before the "1 left") gives the third call its turn.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(0, false)]
    [InlineData(2, true)]
    public async Task A_call_sent_and_unanswered_is_taken_off_another_calls_day_count_until_its_own_answer(int secondAnswer, bool thirdGranted)
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        var first = await Granted(limiter);
        var second = await Granted(limiter);
        await first.MarkSentAsync();
        await second.MarkSentAsync();
        Assert.True(await first.AnsweredAsync(new RateLimitObservation(time.GetUtcNow(), 50, 1, 9000), Token));
        await first.DisposeAsync();

        var early = await limiter.AcquireAsync(Tenant, TimeSpan.FromMilliseconds(10), Token);
        Assert.False(early.IsGranted, "a third call granted while the second, sent and unanswered, may have taken Xero's last one");
        Assert.Equal(PermitDenial.WaitTooLong, early.Denial);

        await second.AnsweredAsync(new RateLimitObservation(time.GetUtcNow(), 50, secondAnswer, 9000), Token);
        await second.DisposeAsync();
        await using var third = await limiter.AcquireAsync(Tenant, TimeSpan.FromMilliseconds(10), Token);
        Assert.Equal(thirdGranted, third.IsGranted);
        if (!thirdGranted)
        {
            Assert.Equal(PermitDenial.DayLimit, third.Denial);
        }
    }

    /// <summary>A permit given back before its request went out reached no Xero window: it spends neither the minute nor the day.</summary>
    [Fact(Timeout = 60_000)]
    public async Task A_permit_returned_unused_spends_neither_the_minute_nor_the_day()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time, o => o.PerMinute = 1);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 1, 1, 9000), Token);
        await (await Granted(limiter)).ReturnUnusedAsync();
        var used = await limiter.AcquireAsync(Tenant, TimeSpan.Zero, Token);
        Assert.True(used.IsGranted, "the minute's one call or the day's last one was spent by a permit never sent");
        await used.MarkSentAsync();
        await used.DisposeAsync();

        time.Advance(TimeSpan.FromMinutes(1));
        await using var next = await limiter.AcquireAsync(Tenant, TimeSpan.Zero, Token);
        Assert.Equal(PermitDenial.DayLimit, next.Denial);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_429_pauses_briefly()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time, o => o.ConcurrentBackoff = TimeSpan.FromSeconds(1));
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 4000, 9000, RateLimitProblem.Concurrent), Token);
        // Back-off is the configured second plus up to 50 % jitter: not before 1 s, granted within 1.5 s, not a minute.
        var next = await StartParked(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1) - (time.GetUtcNow() - Start));
        Assert.False(next.IsCompleted, "granted before the back-off");
        time.Advance(TimeSpan.FromMilliseconds(1500) - (time.GetUtcNow() - Start));
        var permit = await next.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task App_minute_429_pauses_every_tenant()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), 50, 4000, 0, RateLimitProblem.AppMinute, TimeSpan.FromSeconds(20)), Token);
        // Xero says no app call is left in its window (and Retry-After 20 s): the app's minute is spent until a minute from now.
        var other = await StartParked(time, () => limiter.AcquireAsync("tenant-b", Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(60));
        var same = await StartParked(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1) - (time.GetUtcNow() - Start));
        Assert.False(other.IsCompleted, "another tenant granted during the app pause");
        Assert.False(same.IsCompleted, "the tenant granted during the app pause");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await (await other.WaitAsync(Signal, Token)).DisposeAsync();
        await (await same.WaitAsync(Signal, Token)).DisposeAsync();
    }

    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hourly")]
    public async Task Unknown_or_missing_problem_backs_off_safely(string? problem)
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time);
        var parsed = RateLimitObservation.ParseProblem(problem);
        Assert.Equal(RateLimitProblem.Unknown, parsed);
        await limiter.ObserveAsync(Tenant, new RateLimitObservation(time.GetUtcNow(), null, null, null, parsed), Token);
        var next = await StartParked(time, () => limiter.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1) - (time.GetUtcNow() - Start));
        Assert.False(next.IsCompleted, "an unknown 429 must back off for at least 5 s");
        time.Advance(TimeSpan.FromSeconds(8) - (time.GetUtcNow() - Start));
        await (await next.WaitAsync(Signal, Token)).DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Short_max_wait_is_denied_wait_too_long()
    {
        var time = new ParkingClock(Start);
        using var limiter = Create(time, o => o.PerMinute = 1);
        await (await Granted(limiter)).DisposeAsync();
        var permit = await limiter.AcquireAsync(Tenant, TimeSpan.FromSeconds(5), Token);
        Assert.False(permit.IsGranted);
        Assert.Equal(PermitDenial.WaitTooLong, permit.Denial);
        Assert.Equal(PermitWaitReason.MinuteBudget, permit.WaitReason);
        Assert.Equal(Start + TimeSpan.FromMinutes(1), permit.RetryAt);
    }

    [Fact(Timeout = 60_000)]
    public async Task Tenants_are_independent()
    {
        var time = new ParkingClock(Start);
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
        var time = new ParkingClock(Start);
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
        await AssertPendingUntil(time, () => second.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(40));
        await (await Granted(second, "tenant-b")).DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_limiters_on_one_state_file_share_the_minute_window()
    {
        var time = new ParkingClock(Start);
        using var a = Create(time, o => o.PerMinute = 4);
        using var b = Create(time, o => o.PerMinute = 4);
        await (await Granted(a)).DisposeAsync();
        await (await Granted(b)).DisposeAsync();
        await (await Granted(a)).DisposeAsync();
        await (await Granted(b)).DisposeAsync();
        Assert.Equal(PermitDenial.WaitTooLong, (await a.AcquireAsync(Tenant, TimeSpan.FromSeconds(59), Token)).Denial);
        Assert.Equal(PermitDenial.WaitTooLong, (await b.AcquireAsync(Tenant, TimeSpan.FromSeconds(59), Token)).Denial);
        await AssertPendingUntil(time, () => b.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromMinutes(1));

        // Another tenant is not affected by the first one's window.
        await (await Granted(a, "tenant-b")).DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_limiters_on_one_state_file_share_the_in_flight_cap()
    {
        var time = new ParkingClock(Start);
        using var a = Create(time, o => o.Concurrent = 1);
        using var b = Create(time, o => o.Concurrent = 1);
        var held = await Granted(a);
        // Followed from poll to poll for a quarter of a second of the clock: still parked while the call is out.
        var waiting = await StartParked(time, () => b.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromMilliseconds(250));
        Assert.False(waiting.IsCompleted, "the other limiter's call is still in flight");
        await held.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        var permit = await waiting.WaitAsync(Signal, Token);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_call_held_by_a_killed_process_counts_as_completed_when_noticed()
    {
        var time = new ParkingClock(Start);
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
        await AssertPendingUntil(time, () => restarted.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromMinutes(1));
    }

    [Fact(Timeout = 30_000)]
    public async Task Pauses_and_day_deferrals_survive_a_restart()
    {
        var time = new ParkingClock(Start);
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
        await AssertPendingUntil(time, () => second.AcquireAsync(Tenant, Timeout.InfiniteTimeSpan, Token).AsTask(), TimeSpan.FromSeconds(25));
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
