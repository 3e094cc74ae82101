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
        for (var round = 0; round < 6; round++)
        {
            foreach (var instance in instances)
            {
                var permit = await instance.AcquireAsync("t1", TimeSpan.Zero, Ct);
                if (permit.IsGranted)
                {
                    held.Add(permit);
                }
            }
        }

        Assert.Equal(5, held.Count);
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
        Assert.True(denied.RetryAt >= at + TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(30));
        await using var after = await instances[1].AcquireAsync("t1", TimeSpan.Zero, Ct);
        Assert.True(after.IsGranted);
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

    [Fact(Timeout = 60_000)]
    public async Task Bench_eight_instances_steady_rate_and_writes_per_permit()
    {
        var instances = Instances(8);
        string[] tenants = ["tenant-a", "tenant-b"];
        var duration = TimeSpan.FromMinutes(4);
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
        _output.WriteLine($"8 instances, {tenants.Length} tenants, {duration.TotalSeconds:F0} s fake time in 0.5 s steps, latency 0.5-1 s, {started.Elapsed.TotalSeconds:F1} s real");
        _output.WriteLine($"permits {permits} = {perSecond:F3}/s = {permits / allowed:P1} of Xero's allowed rate; after the first minute {steady / steadyAllowed:P1}");
        _output.WriteLine($"Firestore: {Commits} commits, {Documents} document writes = {docsPerPermit:F3} writes/permit ({commitsPerPermit:F3} commits/permit)");
        foreach (var tenant in tenants)
        {
            _output.WriteLine($"{tenant}: max in any 60 s {sim.MaxInAnyMinute(tenant)}, simulated 429s {sim.XeroRejections(tenant, TimeSpan.FromSeconds(17), 60)}");
            Assert.True(sim.MaxInAnyMinute(tenant) <= 60);
        }

        Assert.True(sim.MaxInFlight <= 5);
        Assert.True(docsPerPermit <= 0.25, $"{docsPerPermit:F3} writes per permit");
        Assert.True(steady / steadyAllowed >= 0.97, $"steady rate {steady / steadyAllowed:P1}");
    }

    private List<FirestoreRateLimiter> Instances(int count)
    {
        var baseUri = GoogleEndpoint.ParseHost(_emulators.FirestoreHost!);
        var list = new List<FirestoreRateLimiter>();
        for (var i = 0; i < count; i++)
        {
            var counter = new CountingHandler
            {
                InnerHandler = new GoogleAuthHandler(new GoogleEndpoint(GoogleService.Firestore, baseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() },
            };
            _counters.Add(counter);
            var client = new FirestoreClient(
                new HttpClient(counter) { Timeout = TimeSpan.FromSeconds(60) },
                new GoogleClientOptions(GoogleEmulators.ProjectId, baseUri),
                TimeProvider.System,
                NullLogger<FirestoreClient>.Instance);
            list.Add(new FirestoreRateLimiter(client, Options.Create(new RateLimitOptions()), _time, NullLogger<FirestoreRateLimiter>.Instance, _prefix, $"instance-{i}"));
        }

        return list;
    }
}
