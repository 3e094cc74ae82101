using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Google;
using XeroSync.Google.Firestore;
using XeroSync.RateLimiting;
using XeroSync.RateLimiting.Firestore;
using XeroSync.Xero;

namespace XeroSync.Tests.RateLimiting;

public sealed class FirestoreRateLimiterTests
{
    private readonly GoogleEmulators _emulators;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<CountingHandler> _counters = [];

    public FirestoreRateLimiterTests(GoogleEmulators emulators, ITestOutputHelper output)
    {
        _emulators = emulators;
        _output = output;
        emulators.Require();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private long Documents => _counters.Sum(c => c.Documents);

    private long Commits => _counters.Sum(c => c.Commits);

    [Fact(Timeout = 60_000)]
    public async Task Never_more_than_60_calls_in_any_minute_across_four_instances_with_idling_and_a_crash()
    {
        var instances = Instances(4);
        var tenant = "tenant/with~odd chars";
        var sim = new LimiterSimulation(instances, _time, [tenant], workers: 3, TimeSpan.FromMilliseconds(500), seed: 7)
        {
            // Instances come and go in 20-40 s phases, so blocks change hands by release and by expiry.
            Active = (i, now) => i == 0 || ((long)(now - DateTimeOffset.UnixEpoch).TotalSeconds / (20 + (10 * i)) + i) % 2 == 0,
            MaxLatencySteps = 4,
        };
        var crashed = false;
        await sim.RunAsync(
            TimeSpan.FromMinutes(6),
            now =>
            {
                if (!crashed && now >= _time.Start + TimeSpan.FromSeconds(95))
                {
                    crashed = true;
                    sim.Crash(3);
                }
            },
            Ct);

        var phases = new Random(3);
        for (var p = 0; p < 50; p++)
        {
            Assert.Equal(0, sim.XeroRejections(tenant, TimeSpan.FromMilliseconds(phases.Next(0, 60_000)), 60));
        }

        Assert.True(sim.MaxInAnyMinute(tenant) <= 60, $"max in a minute {sim.MaxInAnyMinute(tenant)}");
        Assert.True(sim.MaxInFlight <= 5, $"max in flight {sim.MaxInFlight}");
        _output.WriteLine($"granted {sim.Arrivals.Count} in 6 min; max in any minute {sim.MaxInAnyMinute(tenant)}; max in flight {sim.MaxInFlight}");
        Assert.True(sim.Arrivals.Count >= 250, $"only {sim.Arrivals.Count} permits in 6 minutes");
    }

    [Fact(Timeout = 60_000)]
    public async Task At_most_five_in_flight_per_tenant_across_instances()
    {
        var instances = Instances(2);
        var held = new List<XeroPermit>();
        var grantedBy = new int[instances.Count];
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < instances.Count; i++)
            {
                var permit = await instances[i].AcquireAsync("t1", TimeSpan.Zero, Ct);
                if (permit.IsGranted)
                {
                    held.Add(permit);
                    grantedBy[i]++;
                }
            }
        }

        Assert.Equal(5, held.Count);

        // The denial says why: an instance with calls out waits for one of them; one without any waits for a block.
        for (var i = 0; i < instances.Count; i++)
        {
            var denied = await instances[i].AcquireAsync("t1", TimeSpan.Zero, Ct);
            Assert.Equal(PermitDenial.WaitTooLong, denied.Denial);
            Assert.Equal(grantedBy[i] > 0 ? PermitWaitReason.InFlight : PermitWaitReason.HeldElsewhere, denied.WaitReason);
        }
        await held[0].DisposeAsync();
        var again = await instances[0].AcquireAsync("t1", TimeSpan.Zero, Ct);
        var other = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.Equal(1, (again.IsGranted ? 1 : 0) + (other.IsGranted ? 1 : 0));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_minute_429_seen_by_one_instance_pauses_the_tenant_everywhere()
    {
        var instances = Instances(2);
        var permit = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();

        var at = _time.GetUtcNow();
        await instances[0].ObserveAsync("t1", new RateLimitObservation(at, 0, 4000, 9000, RateLimitProblem.Minute, TimeSpan.FromSeconds(30)), Ct);
        _time.Advance(FirestoreRateLimiter.RefreshInterval);

        var denied = await instances[1].AcquireAsync("t1", TimeSpan.FromSeconds(5), Ct);
        Assert.False(denied.IsGranted);
        Assert.Equal(PermitDenial.WaitTooLong, denied.Denial);
        Assert.Equal(PermitWaitReason.Paused, denied.WaitReason);
        Assert.True(denied.RetryAt >= at + TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(30));
        await using var after = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(after.IsGranted);
    }

    /// <summary>
    /// Xero's day is a rolling 24 hours: its 429's Retry-After may be seconds. Every instance waits for a reset within the
    /// configured day wait as for a minute 429's pause (a caller that cannot wait is told the reset, not that the day is
    /// spent), and calls again after it; a reset past the day wait defers the organisation.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(30, true)]
    [InlineData(120, false)]
    public async Task A_day_429_whose_reset_is_within_the_day_wait_is_a_pause_on_every_instance(int retryAfterSeconds, bool waited)
    {
        var instances = Instances(3, new RateLimitOptions { DayWaitLimit = TimeSpan.FromSeconds(90) });
        var at = _time.GetUtcNow();
        var reset = at + TimeSpan.FromSeconds(retryAfterSeconds);
        await instances[0].ObserveAsync("t1", new RateLimitObservation(at, 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromSeconds(retryAfterSeconds)), Ct);
        _time.Advance(FirestoreRateLimiter.RefreshInterval);
        foreach (var instance in instances)
        {
            var denied = await instance.AcquireAsync("t1", TimeSpan.FromSeconds(1), Ct);
            Assert.Equal(waited ? PermitDenial.WaitTooLong : PermitDenial.DayLimit, denied.Denial);
            Assert.Equal(reset, denied.RetryAt);
        }

        if (waited)
        {
            _time.Advance(reset - _time.GetUtcNow());
            await using var after = await instances[2].AcquireAsync("t1", TimeSpan.Zero, Ct);
            Assert.True(after.IsGranted, $"denied after the reset: {after.Denial}");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_day_429_makes_every_instance_deny_with_day_limit()
    {
        var instances = Instances(3);
        var at = _time.GetUtcNow();
        await instances[0].ObserveAsync("t1", new RateLimitObservation(at, 10, 0, 9000, RateLimitProblem.Day, TimeSpan.FromHours(5)), Ct);
        _time.Advance(FirestoreRateLimiter.RefreshInterval);
        foreach (var instance in instances)
        {
            var denied = await instance.AcquireAsync("t1", TimeSpan.FromMinutes(1), Ct);
            Assert.Equal(PermitDenial.DayLimit, denied.Denial);
            Assert.Equal(at + TimeSpan.FromHours(5), denied.RetryAt);
        }

        await using var other = await instances[1].AcquireAsync("t2", TimeSpan.Zero, Ct);
        Assert.True(other.IsGranted);
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
        var instance = Instances(1)[0];
        var unsent = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        var answered = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(unsent.IsGranted && answered.IsGranted);
        await answered.MarkSentAsync();
        Assert.True(await answered.AnsweredAsync(new RateLimitObservation(_time.GetUtcNow(), 50, 1, 9000), Ct), "the limiter does not take answers by call");
        await answered.DisposeAsync();

        var early = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.False(early.IsGranted, "a third call granted while the first permit's call may still take Xero's last one");
        Assert.Equal(PermitDenial.WaitTooLong, early.Denial);

        if (firstIsSent)
        {
            await unsent.MarkSentAsync();
            await unsent.AnsweredAsync(new RateLimitObservation(_time.GetUtcNow(), 50, 0, 9000), Ct);
            await unsent.DisposeAsync();
        }
        else
        {
            await unsent.ReturnUnusedAsync();
        }

        await using var third = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
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
        var instance = Instances(1)[0];
        var first = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        var second = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(first.IsGranted && second.IsGranted);
        await first.MarkSentAsync();
        await second.MarkSentAsync();
        Assert.True(await first.AnsweredAsync(new RateLimitObservation(_time.GetUtcNow(), 50, 1, 9000), Ct), "the limiter does not take answers by call");
        await first.DisposeAsync();

        var early = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.False(early.IsGranted, "a third call granted while the second, sent and unanswered, may have taken Xero's last one");
        Assert.Equal(PermitDenial.WaitTooLong, early.Denial);

        await second.AnsweredAsync(new RateLimitObservation(_time.GetUtcNow(), 50, secondAnswer, 9000), Ct);
        await second.DisposeAsync();
        await using var third = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.Equal(thirdGranted, third.IsGranted);
        if (!thirdGranted)
        {
            Assert.Equal(PermitDenial.DayLimit, third.Denial);
        }
    }

    /// <summary>A permit given back before its request went out reached no Xero window: it does not spend the day.</summary>
    [Fact(Timeout = 60_000)]
    public async Task A_permit_returned_unused_does_not_spend_the_day()
    {
        var instance = Instances(1)[0];
        await instance.ObserveAsync("t1", new RateLimitObservation(_time.GetUtcNow(), 50, 1, 9000), Ct);
        var unused = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(unused.IsGranted);
        await unused.ReturnUnusedAsync();
        var used = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(used.IsGranted, "the day's last call was spent by a permit never sent");
        await used.MarkSentAsync();
        await used.DisposeAsync();
        await using var next = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.Equal(PermitDenial.DayLimit, next.Denial);
    }

    [Fact(Timeout = 60_000)]
    public async Task Foreign_usage_reported_by_xero_takes_free_slots_out_of_use()
    {
        var instances = Instances(1);
        var permit = await instances[0].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(permit.IsGranted);
        await permit.DisposeAsync();

        // This instance holds one block of 12 slots, 11 free; Xero says only 2 calls are left in its window.
        await instances[0].ObserveAsync("t1", new RateLimitObservation(_time.GetUtcNow(), 2, 4000, 9000), Ct);
        var granted = 0;
        for (var i = 0; i < 12; i++)
        {
            await using var p = await instances[0].AcquireAsync("t1", TimeSpan.Zero, Ct);
            granted += p.IsGranted ? 1 : 0;
        }

        Assert.Equal(2, granted);
    }

    [Fact(Timeout = 240_000)]
    public async Task Bench_eight_instances_steady_rate_and_writes_per_permit()
    {
        // Ten minutes of two tenants wanted by all eight instances all the time: every block and its lease kept, renewed
        // more than once, so the figure is the steady cost, not the first claims alone.
        var instances = Instances(8);
        string[] tenants = ["tenant-a", "tenant-b"];
        var duration = TimeSpan.FromMinutes(10);
        var sim = new LimiterSimulation(instances, _time, tenants, workers: 3, TimeSpan.FromMilliseconds(500), seed: 11);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await sim.RunAsync(duration, null, Ct);
        started.Stop();

        var permits = sim.Arrivals.Count;
        var perSecond = permits / duration.TotalSeconds;
        var allowed = tenants.Length * 60 * duration.TotalMinutes;

        // Steady state: the minutes after the first, where every permit needed a slot to turn over.
        var steadyFrom = _time.Start + TimeSpan.FromMinutes(1);
        var steady = sim.Arrivals.Count(a => a.Arrival >= steadyFrom + TimeSpan.FromSeconds(1));
        var steadyAllowed = tenants.Length * 60 * (duration.TotalMinutes - 1);
        var docsPerPermit = (double)Documents / permits;
        var commitsPerPermit = (double)Commits / permits;
        var steadyDocs = _counters.Sum(c => c.DocumentsSince(steadyFrom));
        _output.WriteLine($"8 instances, {tenants.Length} tenants, {duration.TotalSeconds:F0} s fake time in 0.5 s steps, latency 0.5-1 s, {started.Elapsed.TotalSeconds:F1} s real");
        _output.WriteLine($"permits {permits} = {perSecond:F3}/s = {permits / allowed:P1} of Xero's allowed rate; after the first minute {steady / steadyAllowed:P1}");
        _output.WriteLine($"Firestore: {Commits} commits, {Documents} document writes = {docsPerPermit:F3} writes/permit ({commitsPerPermit:F3} commits/permit); after the first minute {steadyDocs} writes = {steadyDocs / (double)steady:F3} writes/permit");
        foreach (var tenant in tenants)
        {
            _output.WriteLine($"{tenant}: max in any 60 s {sim.MaxInAnyMinute(tenant)}, simulated 429s {sim.XeroRejections(tenant, TimeSpan.FromSeconds(17), 60)}");
            Assert.True(sim.MaxInAnyMinute(tenant) <= 60);
        }

        Assert.True(sim.MaxInFlight <= 5);
        Assert.True(steadyDocs / (double)steady <= 0.05, $"{steadyDocs / (double)steady:F3} writes per permit after the first minute");
        Assert.True(docsPerPermit <= 0.1, $"{docsPerPermit:F3} writes per permit");
        Assert.True(steady / steadyAllowed >= 0.97, $"steady rate {steady / steadyAllowed:P1}");
    }

    [Fact(Timeout = 600_000)]
    public async Task A_saturated_app_never_exceeds_its_budget_in_any_minute_and_serves_every_tenant_alike()
    {
        // 40 tenants wanting 60 a minute each from every one of 8 instances: about 2,400 a minute against a budget of
        // 2,000 (demand 20 % above it), the app-wide limit the bench's figure 6 applies at 10,000.
        const int budget = 2_000;
        var instances = Instances(8, new RateLimitOptions { AppPerMinute = budget });
        var tenants = Enumerable.Range(0, 40).Select(i => $"tenant-{i:D2}").ToList();
        var duration = TimeSpan.FromMinutes(3);
        var sim = new LimiterSimulation(instances, _time, tenants, workers: 3, TimeSpan.FromMilliseconds(500), seed: 17);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await sim.RunAsync(duration, null, Ct);

        // Counted from the simulation's own arrivals: every 60-second interval, whatever its phase.
        var busiest = sim.MaxInAnyMinute();
        var perTenant = tenants.Select(t => sim.Arrivals.Count(a => a.Tenant == t)).ToList();
        var mean = perTenant.Average();
        var phases = new Random(5);
        _output.WriteLine($"{sim.Arrivals.Count} permits in {duration.TotalMinutes} min fake ({started.Elapsed.TotalSeconds:F0} s real); busiest 60 s {busiest} (budget {budget}); per tenant min {perTenant.Min()} mean {mean:F1} max {perTenant.Max()}; {(double)Documents / sim.Arrivals.Count:F3} writes/permit");
        Assert.True(busiest <= budget, $"busiest 60 s held {busiest} calls, budget {budget}");
        for (var p = 0; p < 20; p++)
        {
            var phase = TimeSpan.FromMilliseconds(phases.Next(0, 60_000));
            var origin = DateTimeOffset.UnixEpoch + phase;
            Assert.All(sim.Arrivals.GroupBy(a => (long)Math.Floor((a.Arrival - origin).TotalMinutes)), g => Assert.True(g.Count() <= budget));
        }

        Assert.All(tenants, t => Assert.True(sim.MaxInAnyMinute(t) <= 60));
        Assert.True(sim.MaxInFlight <= 5, $"max in flight {sim.MaxInFlight}");
        // No tenant starved or favoured: within 20 % of the mean. The instances run on real threads against the emulator, so
        // the split varies from run to run (the slowest tenant has been seen at 89 % of the mean on a loaded 2-core machine); the
        // 10 % fairness figure is bench figure 6's, printed there over a longer run, not asserted here.
        Assert.True(perTenant.Min() >= 0.8 * mean, $"slowest tenant {perTenant.Min()} permits, mean {mean:F1}");
        Assert.True(perTenant.Max() <= 1.2 * mean, $"fastest tenant {perTenant.Max()} permits, mean {mean:F1}");

        // The budget is used, not just respected: the last two minutes run at >= 90 % of it.
        var lastTwo = sim.Arrivals.Count(a => a.Arrival >= _time.Start + TimeSpan.FromMinutes(1));
        Assert.True(lastTwo >= 0.9 * 2 * budget, $"{lastTwo} permits in the last two minutes, budget {2 * budget}");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_crashed_holder_s_tenant_slots_are_not_reused_before_a_minute_after_its_lease_ends()
    {
        // Every block of t1 is held by an instance that died: its lease ends at leaseEnd and the free times it last wrote say
        // every slot is free. Its calls since that write are recorded nowhere, so it may have made one on any slot up to
        // leaseEnd; by Xero's minute no slot may carry another before leaseEnd + 60 s.
        var leaseEnd = _time.GetUtcNow() + TimeSpan.FromSeconds(20);
        await SeedDeadHolderAsync(Enumerable.Range(0, 5).Select(k => $"{_prefix}limits/t1/blocks/{k}"), slots: 12, leaseEnd);
        var taker = Instances(1)[0];

        var first = await FirstGrantAsync(taker, "t1", leaseEnd + TimeSpan.FromMinutes(3));

        _output.WriteLine($"first permit at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
        Assert.True(first >= leaseEnd + TimeSpan.FromMinutes(1), $"reused at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
        Assert.True(first <= leaseEnd + TimeSpan.FromSeconds(65), $"taken over only at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_crashed_holder_s_app_slots_are_not_reused_before_a_minute_after_its_lease_ends()
    {
        // A budget of one call a minute: the app's one slot, held by an instance that died with its lease ending at
        // leaseEnd. Another tenant's permit needs that slot; the dead holder may have used it up to leaseEnd.
        var leaseEnd = _time.GetUtcNow() + TimeSpan.FromSeconds(20);
        await SeedDeadHolderAsync([$"{_prefix}limitsApp/app/blocks/0"], slots: 1, leaseEnd);
        var taker = Instances(1, new RateLimitOptions { AppPerMinute = 1 })[0];

        var first = await FirstGrantAsync(taker, "t2", leaseEnd + TimeSpan.FromMinutes(3));

        _output.WriteLine($"first permit at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
        Assert.True(first >= leaseEnd + TimeSpan.FromMinutes(1), $"reused at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
        Assert.True(first <= leaseEnd + TimeSpan.FromSeconds(65), $"taken over only at lease end + {(first - leaseEnd).TotalSeconds:F1} s");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_instance_shutting_down_hands_its_blocks_over_at_once_with_their_real_free_times()
    {
        var instances = Instances(2);
        var permits = await FiveCallsAtOnceAsync(instances[0], "t1");

        var denied = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.False(denied.IsGranted);
        _time.Advance(TimeSpan.FromSeconds(1));
        foreach (var permit in permits)
        {
            await permit.DisposeAsync();
        }

        var shutdown = _time.GetUtcNow();
        await instances[0].DisposeAsync();

        // All 5 blocks change hands: 5 calls at once on instance 1, each block's one used slot still used until the
        // minute after its call, the other 55 free.
        var granted = new List<XeroPermit>();
        while (granted.Count < 5 && _time.GetUtcNow() < shutdown + TimeSpan.FromSeconds(10))
        {
            var permit = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
            if (permit.IsGranted)
            {
                granted.Add(permit);
            }
            else
            {
                _time.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        Assert.Equal(5, granted.Count);
        Assert.True(_time.GetUtcNow() < shutdown + TimeSpan.FromSeconds(10), $"taken over at shutdown + {(_time.GetUtcNow() - shutdown).TotalSeconds:F1} s");
        foreach (var permit in granted)
        {
            await permit.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_instance_with_work_gets_the_blocks_an_idle_instance_holds_within_seconds_not_at_their_idle_release()
    {
        // The requirement written here: a delivery with work for the organisation gets a permit within 10 s of asking,
        // even when another live instance holds every block of it and has nothing to do.
        var instances = Instances(2);
        var permits = await FiveCallsAtOnceAsync(instances[0], "t1");

        _time.Advance(TimeSpan.FromSeconds(1));
        foreach (var permit in permits)
        {
            await permit.DisposeAsync();
        }

        // Instance 0 is idle now but alive: its leases hold. Instance 1 asks every half second.
        var asked = _time.GetUtcNow();
        var first = await FirstGrantAsync(instances[1], "t1", asked + TimeSpan.FromSeconds(30));
        _output.WriteLine($"first permit {(first - asked).TotalSeconds:F1} s after asking");
        Assert.True(first <= asked + TimeSpan.FromSeconds(10), $"granted {(first - asked).TotalSeconds:F1} s after asking");

        // Blocks nobody asks for stay with their holder: instance 0, busy again, gets the rest without a claim race.
        await using var again = await instances[0].AcquireAsync("t2", TimeSpan.Zero, Ct);
        Assert.True(again.IsGranted);
    }

    /// <summary>Five permits of one tenant taken at once on one instance (Xero's 5 in flight): it then holds a block for each.</summary>
    private async Task<List<XeroPermit>> FiveCallsAtOnceAsync(FirestoreRateLimiter limiter, string tenant)
    {
        var permits = new List<XeroPermit>();
        for (var i = 0; i < 5; i++)
        {
            var permit = await limiter.AcquireAsync(tenant, TimeSpan.Zero, Ct);
            Assert.True(permit.IsGranted);
            permits.Add(permit);
        }

        return permits;
    }

    /// <summary>Writes block documents as a holder that then died would have left them: its lease, every slot free.</summary>
    private async Task SeedDeadHolderAsync(IEnumerable<string> documents, int slots, DateTimeOffset leaseEnd)
    {
        var writes = documents.Select(d => FirestoreWrite.Set(d, new Dictionary<string, FirestoreValue>
        {
            ["holder"] = FirestoreValue.FromString("instance-that-died"),
            ["leaseUntilMicros"] = FirestoreValue.FromInteger((leaseEnd - DateTimeOffset.UnixEpoch).Ticks / 10),
            ["freeAtMicros"] = FirestoreValue.FromArray([.. Enumerable.Repeat(FirestoreValue.FromInteger(0), slots)]),
            ["demand"] = FirestoreValue.FromInteger(12),
        })).ToList();
        await Client(new CountingHandler()).CommitAsync(writes, cancellationToken: Ct);
    }

    /// <summary>Asks for a permit every half second of fake time; the instant of the first one granted.</summary>
    private async Task<DateTimeOffset> FirstGrantAsync(FirestoreRateLimiter limiter, string tenant, DateTimeOffset giveUp)
    {
        while (_time.GetUtcNow() < giveUp)
        {
            await using var permit = await limiter.AcquireAsync(tenant, TimeSpan.Zero, Ct);
            if (permit.IsGranted)
            {
                return _time.GetUtcNow();
            }

            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        return DateTimeOffset.MaxValue;
    }

    private List<FirestoreRateLimiter> Instances(int count) => Instances(count, new RateLimitOptions());

    private List<FirestoreRateLimiter> Instances(int count, RateLimitOptions options)
    {
        var list = new List<FirestoreRateLimiter>();
        for (var i = 0; i < count; i++)
        {
            var counter = new CountingHandler(_time);
            _counters.Add(counter);
            var client = Client(counter);
            list.Add(new FirestoreRateLimiter(client, Options.Create(options), _time, NullLogger<FirestoreRateLimiter>.Instance, _prefix, $"instance-{i}"));
        }

        return list;
    }

    private FirestoreClient Client(CountingHandler counter)
    {
        var baseUri = GoogleEndpoint.ParseHost(_emulators.FirestoreHost!);
        counter.InnerHandler = new GoogleAuthHandler(new GoogleEndpoint(GoogleService.Firestore, baseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() };
        return new FirestoreClient(
            new HttpClient(counter) { Timeout = TimeSpan.FromSeconds(60) },
            new GoogleClientOptions(GoogleEmulators.ProjectId, baseUri),
            TimeProvider.System,
            NullLogger<FirestoreClient>.Instance);
    }
}
