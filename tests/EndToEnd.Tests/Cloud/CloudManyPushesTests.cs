using System.Globalization;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// One Worker taking many concurrent pushes, as one Cloud Run instance does with its concurrency setting: the fetch
/// subscription is pulled and pushed with every pulled message outstanding at once (not the emulator's one or two), two
/// organisations, Xero answering each call in a second. The run must complete without any delivery held open until its
/// budget runs out: the production push deadline (540 s) gives a 450 s delivery budget, and the run is given far less, so a
/// chain page left waiting for a redelivery (the stall this guards against) fails the test instead of finishing late.
/// </summary>
public sealed class CloudManyPushesTests(GoogleEmulators emulators)
{
    // Xero's answer time; the calls of one organisation then take at least (calls / 60) minutes at Xero's 60 a minute.
    private static readonly TimeSpan XeroLatency = TimeSpan.FromSeconds(1);

    // Well under the 450 s delivery budget of a 540 s push deadline: only a run that never waits for one completes in time.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(300);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task One_worker_with_every_message_pushed_at_once_completes_exactly_without_waiting_for_a_redelivery()
    {
        emulators.Require();
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions { Seed = o.Seed, Tenants = 2, Scale = 1.0, ChangesPerMinute = 0, Clock = o.Clock, Faults = new SimulatorFaults { SlowRate = 1.0, SlowLatency = XeroLatency } },
            pushDeadlineSeconds: 540,
            pullDriven: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true);

        // From the simulator's log: every request the run made was answered (no throttle, no failure), and no page of
        // any organisation was requested twice, so nothing was read again after a lost or abandoned delivery.
        var calls = cloud.Truth.Requests.Where(r => r.TenantId is not null && r.Endpoint is not null and not "connections").ToList();
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.All(calls, r => Assert.True(r.StatusCode == 200, $"{r.PathAndQuery}: {r.StatusCode} {r.Problem}"));
        var repeated = calls.GroupBy(r => (r.TenantId, r.PathAndQuery)).Where(g => g.Count() > 1).Select(g => $"{g.Key.PathAndQuery} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, "requested more than once: " + string.Join(", ", repeated));
        Assert.Equal(calls.Count, cloud.Truth.ApiCalls());
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{calls.Count} Xero calls for {cloud.Truth.Tenants.Count} organisations, {cloud.DriverDeliveries} pushes, first call {calls.Min(c => c.Time):HH:mm:ss}, last {calls.Max(c => c.Time):HH:mm:ss}"));
    }
}
