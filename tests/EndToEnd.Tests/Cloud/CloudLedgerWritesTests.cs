using System.Globalization;
using XeroSync.Ledger;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// How many Firestore documents the run ledger writes per Xero call, counted as Firestore bills them (the length of each
/// successful commit's <c>writes</c> array) by a proxy in front of the emulator that every service talks to. A full sync
/// of two organisations, then an incremental sync of the same (one call per endpoint). The limiter's collections
/// (<c>limits*</c>) are left out: another owner, another figure. The figures are printed (targets: 0.25 a call on a full
/// sync, 3 an endpoint on an incremental one; bench figure 2 measures the same at scale); what is asserted is that the
/// run lands exactly and that the ledger's call counters, written with the pages, equal the simulator's log.
/// </summary>
public sealed class CloudLedgerWritesTests(GoogleEmulators emulators)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Ledger_writes_per_call_are_reported_and_the_calls_counted_with_the_pages_equal_the_simulators_log()
    {
        emulators.Require();
        await using var firestore = await FirestoreWriteCounter.StartAsync(emulators.FirestoreHost!);
        // Pages capped at 20 records: several pages an endpoint, so the full sync's figure is per page read, not per endpoint.
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions { Seed = o.Seed, Tenants = 2, Scale = o.Scale, ChangesPerMinute = 0, Clock = o.Clock, Behaviour = new SimulatorBehaviour { PageSizeCap = 20 } },
            firestoreHost: firestore.Host);

        var before = firestore.WrittenByCollection;
        var logged = cloud.Truth.Requests.Count;
        var full = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(full, RunTimeout, Token, "complete", "partial"));
        var fullCalls = cloud.Truth.ApiCalls();
        var fullWrites = Since(before, firestore.WrittenByCollection);
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud);
        var fullSent = cloud.Truth.Requests.Skip(logged).ToList();

        before = firestore.WrittenByCollection;
        logged = cloud.Truth.Requests.Count;
        var incremental = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(incremental, RunTimeout, Token, "complete", "partial"));
        var incrementalCalls = cloud.Truth.ApiCalls() - fullCalls;
        var incrementalWrites = Since(before, firestore.WrittenByCollection);
        var incrementalSent = cloud.Truth.Requests.Skip(logged).ToList();
        var endpoints = (await cloud.Ledger.GetRunEndpointsAsync(incremental, Token)).Count;

        var fullLedger = Ledger(fullWrites);
        var incrementalLedger = Ledger(incrementalWrites);
        var perCall = (double)fullLedger / fullCalls;
        var perEndpoint = (double)incrementalLedger / endpoints;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"full sync: {fullCalls} Xero calls, {fullLedger} ledger documents written = {perCall:F3} a call ({Describe(fullWrites, fullCalls)}); " +
            $"incremental sync: {incrementalCalls} calls over {endpoints} endpoints, {incrementalLedger} ledger documents = {perEndpoint:F2} an endpoint ({Describe(incrementalWrites, endpoints)}); " +
            $"failed commits {firestore.FailedCommits}"));

        // The calls are counted with each page's done record (no write of their own): every call the simulator answered
        // for a run is on that run's endpoints, no more (a duplicate done record's calls count once, as they were made once).
        Assert.Equal(fullCalls, await CountedCallsAsync(cloud, full));
        Assert.Equal(incrementalCalls, await CountedCallsAsync(cloud, incremental));

        // Egress rides in the same writes: per organisation, the bytes received equal the body bytes the simulator logged as sent.
        await AssertBytesEqualSentAsync(cloud, full, fullSent);
        await AssertBytesEqualSentAsync(cloud, incremental, incrementalSent);
    }

    private static async Task AssertBytesEqualSentAsync(CloudEnvironment cloud, string runId, List<SimulatedRequest> sent)
    {
        var usage = TenantUsage.Of(await cloud.Ledger.GetRunEndpointsAsync(runId, Token));
        Assert.Equal(cloud.Truth.Tenants.Count, usage.Count);
        foreach (var tenant in usage)
        {
            var log = sent.Where(r => r.TenantId == tenant.TenantId).ToList();
            Assert.Equal(log.Sum(r => r.BytesSent), tenant.BytesReceived);
            Assert.Equal(log.Count, tenant.Calls);
            Assert.True(tenant.BytesDecoded > tenant.BytesReceived, $"gzip: decoded {tenant.BytesDecoded} bytes from {tenant.BytesReceived} received");
        }
    }

    private static async Task<int> CountedCallsAsync(CloudEnvironment cloud, string runId) =>
        (await cloud.Ledger.GetRunEndpointsAsync(runId, Token)).Sum(e => e.Calls);

    private static Dictionary<string, long> Since(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.ToDictionary(w => w.Key, w => w.Value - before.GetValueOrDefault(w.Key), StringComparer.Ordinal);

    private static long Ledger(Dictionary<string, long> writes) => writes.Where(w => !w.Key.StartsWith("limits", StringComparison.Ordinal)).Sum(w => w.Value);

    private static string Describe(Dictionary<string, long> writes, long per) =>
        string.Join(", ", writes.Where(w => w.Value > 0).OrderByDescending(w => w.Value).Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value} = {(double)w.Value / per:F2}")));
}
