using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using XeroSync.Ledger;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape with two Worker instances as real processes behind a round-robin forwarder, one of them SIGKILLed
/// while it is mid-page: its pushes fail (Pub/Sub redelivers them to the live instance), its page leases simply
/// expire, and the live instance takes the pages over without spending the messages' delivery attempts, so nothing
/// healthy is dead-lettered and the run completes with exactly the simulator's data.
/// </summary>
public sealed class WorkerCrashTests(GoogleEmulators emulators)
{
    private const string WorkerA = "worker-a";
    private const string WorkerB = "worker-b";

    // Every Xero answer takes this long, so a Worker with pushes in flight is inside a Xero call (holding a page).
    private static readonly TimeSpan SlowLatency = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_worker_killed_mid_page_with_a_second_instance_running_dead_letters_nothing_and_the_run_completes_exactly()
    {
        emulators.Require();
        await using var forwarder = await PushForwarder.StartAsync();
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions { Seed = o.Seed, Tenants = 2, ChangesPerMinute = 0, Scale = 0.1, Clock = o.Clock, Faults = new SimulatorFaults { SlowRate = 1.0, SlowLatency = SlowLatency } },
            externalWorker: forwarder.BaseUri);
        // A reaches Xero through a tap that records its calls alone: a call in flight is a page A holds.
        await using var tap = await XeroTap.StartAsync(cloud.Simulator.BaseUrl);
        await using var a = await WorkerProcess.StartAsync(WorkerA, cloud, Token, new Dictionary<string, string> { ["XERO_API_URL"] = tap.BaseUri.ToString() });
        await using var b = await WorkerProcess.StartAsync(WorkerB, cloud, Token);
        forwarder.Add(a.Name, a.BaseUri);
        forwarder.Add(b.Name, b.BaseUri);

        var started = TimeProvider.System.GetUtcNow();
        var runId = await cloud.StartRunAsync(Token);

        // A is mid-run and mid-page: it has acknowledged a push (a page done), and a page read of it is on its way to Xero.
        try
        {
            await forwarder.WhenBusyAsync(a.Name, acked: 1, inFlight: 1).WaitAsync(BusyTimeout, Token);
            await tap.WhenPageCallInFlightAsync().WaitAsync(BusyTimeout, Token);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"A never had a push acknowledged and a page read in flight within {BusyTimeout}; simulator requests {cloud.Truth.Requests.Count}; {Report(forwarder, a, b)}");
        }

        await a.KillAsync(Token);
        var killedAt = TimeProvider.System.GetUtcNow();
        forwarder.MarkDead(a.Name);

        var state = await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial");
        var wall = TimeProvider.System.GetUtcNow() - started;
        var report = Report(forwarder, a, b);
        Assert.True(state == "complete", $"run ended {state}; {report}");

        // The pushes A had in flight when it died failed (Pub/Sub saw nacks and redelivered them), and none reached it after.
        var killed = forwarder.Finished.Where(p => p.Target == WorkerA && p.Path == "/pubsub" && p.Status == 502 && p.Started < killedAt).ToList();
        Assert.True(killed.Count > 0, $"A had no push in flight when killed; {report}");
        Assert.DoesNotContain(forwarder.Finished, p => p.Target == WorkerA && p.Started > killedAt && p.Status is >= 200 and < 300);

        // A had claimed pages: its page reads in flight at the kill. Each was done after the kill (by B: A was dead).
        var held = tap.Calls.Where(c => c.Started < killedAt && c.Ended is null && XeroTap.IsPageRead(c.PathAndQuery)).ToList();
        Assert.True(held.Count > 0, $"A had no page read in flight when killed; {report}");
        var taken = await PagesTakenOverAsync(cloud, runId, held, killedAt);

        // No healthy work dead-lettered, and no message needed as many deliveries as the dead-letter policy allows.
        Assert.Empty(await cloud.PullDeadLettersAsync(Token));
        var attempts = forwarder.Finished.Where(p => p.MessageId is not null).GroupBy(p => p.MessageId).Max(g => g.Count());
        Assert.True(attempts < 5, $"a message was pushed {attempts} times (the policy dead-letters at 5); {report}");

        CloudSyncTests.AssertWarehouseEqualsTruth(cloud);
        var raw = CloudSyncTests.AssertRawRowsServed(cloud);
        CloudSyncTests.AssertOneLoadPerManifest(cloud, runId);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);

        var calls = cloud.Truth.Tenants.Select(t => cloud.Truth.ApiCalls(t.TenantId)).ToList();
        var bound = TimeSpan.FromMinutes(calls.Max() / 60.0);

        // Sequential endpoints read one page at a time: their longest chain of answers, each SlowLatency late, bounds the run too.
        var sequential = cloud.Truth.EndpointRules.Where(e => e.Paging is "page" or "offset").Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var chainCalls = cloud.Truth.Requests.Where(r => r.StatusCode == 200 && r.Endpoint is { } e && sequential.Contains(e)).GroupBy(r => (r.TenantId, r.Endpoint)).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        var latencyBound = chainCalls * SlowLatency;
        var lastCall = cloud.Truth.Requests.Max(r => r.Time) + SlowLatency - started;
        var callsAfterKill = cloud.Truth.Requests.Count(r => r.Time >= killedAt);
        var first = taken.Min(t => t.DoneAt) - killedAt;
        var last = taken.Max(t => t.DoneAt) - killedAt;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"worker-kill: wall {wall.TotalSeconds:F1} s; rate-limit bound {bound.TotalSeconds:F1} s ({string.Join(" + ", calls)} calls, 60/min per tenant); latency bound {latencyBound.TotalSeconds:F0} s (longest sequential chain {chainCalls} calls x {SlowLatency.TotalSeconds:F0} s); " +
            $"killed {(killedAt - started).TotalSeconds:F1} s in with {killed.Count} pushes ({string.Join(", ", killed.Select(p => p.Request?.Key[(runId.Length + 1)..]))}) and {held.Count} page reads in flight ({string.Join(", ", taken.Select(t => t.Page))}); taken over: first done {first.TotalSeconds:F1} s after the kill, last {last.TotalSeconds:F1} s; " +
            $"last Xero answer {lastCall.TotalSeconds:F1} s in ({callsAfterKill} calls after the kill); most pushes of one message {attempts}; kill point reached on attempt 1 of 1 (A held a page read when killed); raw rows / records {raw}; pushes to B {forwarder.Finished.Count(p => p.Target == WorkerB && p.Path == "/pubsub")}; {report}"));
    }

    /// <summary>
    /// For each page read A had in flight at the kill (endpoint from the simulator's log of that very request), the
    /// page's ledger record: it must be done, and only after the kill. Returns when each was done.
    /// </summary>
    private static async Task<IReadOnlyList<(string Page, DateTimeOffset DoneAt)>> PagesTakenOverAsync(CloudEnvironment cloud, string runId, IReadOnlyList<TappedCall> held, DateTimeOffset killedAt)
    {
        var log = cloud.Truth.Requests;
        var taken = new List<(string, DateTimeOffset)>();
        foreach (var call in held)
        {
            var logged = log.FirstOrDefault(r => r.TenantId == call.TenantId && r.PathAndQuery == call.PathAndQuery && r.Time >= call.Started - TimeSpan.FromSeconds(1));
            Assert.True(logged?.Endpoint is not null, $"the simulator has no log of A's call {call.PathAndQuery}");
            var endpoint = logged!.Endpoint!;
            var query = QueryHelpers.ParseQuery(new Uri(new Uri("http://simulator"), call.PathAndQuery).Query);
            var pages = await cloud.Ledger.GetAllPagesAsync(new EndpointKey(runId, call.TenantId, endpoint), Token);
            var page = query.TryGetValue("page", out var number)
                ? pages.SingleOrDefault(p => p.Page.ToString(CultureInfo.InvariantCulture) == number.ToString())
                : pages.SingleOrDefault(p => (p.Offset ?? 0).ToString(CultureInfo.InvariantCulture) == query["offset"].ToString());
            Assert.True(page is not null, $"{endpoint} {call.PathAndQuery}: no ledger page");
            Assert.True(page.Status == PageStatus.Done, $"{endpoint} page {page.Page} ended {page.Status}: {page.Error}");
            Assert.True(page.UpdatedAt > killedAt, $"{endpoint} page {page.Page} was done at {page.UpdatedAt:O}, before the kill at {killedAt:O}, while A's read of it was in flight");
            taken.Add(($"{call.TenantId[..8]}/{endpoint}/{page.Page}", page.UpdatedAt!.Value));
        }

        return taken;
    }

    private static string Report(PushForwarder forwarder, WorkerProcess a, WorkerProcess b)
    {
        var statuses = string.Join(", ", forwarder.Finished.GroupBy(p => (p.Target, p.Path, p.Status)).OrderBy(g => g.Key).Select(g => $"{g.Key.Target}{g.Key.Path} {g.Key.Status}: {g.Count()}"));
        return $"forwarded: {statuses}" + (Environment.GetEnvironmentVariable("XEROSYNC_TEST_LOG") == "1" ? $"{Environment.NewLine}A:{Environment.NewLine}{a.Output}{Environment.NewLine}B:{Environment.NewLine}{b.Output}" : string.Empty);
    }
}
