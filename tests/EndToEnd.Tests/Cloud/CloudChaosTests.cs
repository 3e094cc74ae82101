using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape under every fault at once (issue 11's chaos list; the local twin is <c>LocalChaosTests</c>):
/// 5 % 5xx, 2 % 429 of each kind (minute, concurrent, app-minute), 1 % answers slower than the attempt timeout,
/// 2 % truncated bodies, one token revocation, one day 429 whose Retry-After is seconds (Xero's day is a rolling 24 hours),
/// and every Pub/Sub message and finalize event delivered twice. The
/// simulator's log proves each fault happened and the Worker's push record proves each message came twice; the
/// warehouse must then equal the simulator's records (latest views and raw tables) and the run must be complete.
/// </summary>
/// <remarks>
/// The simulator draws faults by seed and request (the n-th time a request is seen gets the same roll in every run),
/// so the faults on the run's first reads are fixed by <see cref="Seed"/>; the test still asserts every kind from the
/// log, so a change to the page plan that moved a kind off this small run fails here rather than passing vacuously.
/// </remarks>
public sealed class CloudChaosTests(GoogleEmulators emulators)
{
    /// <summary>
    /// A seed whose run's first reads draw every fault kind at these rates (worked out from the simulator's documented
    /// draw: seeded by request and occurrence): 5 x 5xx, 2 minute, 1 concurrent and 2 app-minute 429s, 1 timeout and
    /// 3 truncated bodies among 56 first reads. Most seeds miss one kind in a run this small.
    /// </summary>
    private const int Seed = 13;

    /// <summary>XERO_ATTEMPT_TIMEOUT_SECONDS for both services: a slow answer is abandoned after this.</summary>
    private const int AttemptTimeoutSeconds = 3;

    /// <summary>
    /// The push ack deadline (XEROSYNC_PUSH_DEADLINE_SECONDS): a minute 429 spends the tenant's window, so its waiting
    /// deliveries need more than a minute of budget (production: 540 s, a 450 s budget). With 60 s (a
    /// 30 s budget; the services now refuse anything below 180 s) every waiting delivery nacked at once, the subscription dead-lettered them after 5 attempts,
    /// the emulator backed its pushes off and the run stood still for 15 minutes.
    /// </summary>
    private const int PushDeadlineSeconds = 180;

    // Each delivery goes through the shared Firestore limiter (about 20-60 calls a minute on the emulator), twice
    // over, plus retries after every fault: minutes, with room for a loaded 2-core machine.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(12);

    /// <summary>How long the copies of the last messages may trail the run's completion (a push deadline and some).</summary>
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(PushDeadlineSeconds + 60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The day 429's Retry-After: its reset is seconds away, so the organisation waits for it rather than deferring.</summary>
    private static readonly TimeSpan DayRetryAfter = TimeSpan.FromSeconds(10);

    private static SimulatorFaults Chaos => new()
    {
        ServerErrorRate = 0.05,
        MinuteThrottleRate = 0.02,
        ConcurrentThrottleRate = 0.02,
        AppMinuteThrottleRate = 0.02,
        ThrottleRetryAfter = TimeSpan.FromSeconds(1),
        TimeoutRate = 0.01,
        // Ten times the attempt timeout: only the client giving up ends the hang.
        TimeoutDuration = TimeSpan.FromSeconds(AttemptTimeoutSeconds * 10),
        TruncateRate = 0.02,
        RevokeAccessTokensAtCall = 10,
        DayThrottleAtCall = 20,
        DayRetryAfter = DayRetryAfter,
    };

    [Fact(Timeout = 1_800_000)]
    public async Task Cloud_run_under_every_fault_at_once_lands_exactly_the_simulators_records_and_completes()
    {
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions { Seed = Seed, Tenants = o.Tenants, ChangesPerMinute = 0, Scale = o.Scale, Clock = o.Clock, Faults = Chaos },
            duplicateDeliveries: true,
            attemptTimeoutSeconds: AttemptTimeoutSeconds,
            pushDeadlineSeconds: PushDeadlineSeconds);

        var runId = await cloud.StartRunAsync(Token);
        // Every fault here is transient: the run completes by itself, without an operator's retry.
        var state = await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial");

        var log = cloud.Truth.Requests;
        var counts = string.Join(", ", log.Where(r => r.Fault is not null).GroupBy(r => r.Fault).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x {g.Count()}"));
        var pushes = cloud.PushDeliveries;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{log.Count} requests; faults: {counts}; {pushes.Count} pushes of {pushes.Select(p => p.MessageId).Distinct(StringComparer.Ordinal).Count()} messages");
        Assert.True(state == "complete", $"the run ended {state} under transient faults: {string.Join("; ", await cloud.Ledger.GetRunEndpointsAsync(runId, Token) is var endpoints ? endpoints.Where(e => e.HasGaps) : [])}");

        Assert.True(log.Any(r => r.Fault is SimulatedFault.ServerError500 or SimulatedFault.ServiceUnavailable503), $"no 5xx; {counts}");
        foreach (var kind in new[]
        {
            SimulatedFault.MinuteThrottle, SimulatedFault.ConcurrentThrottle, SimulatedFault.AppMinuteThrottle,
            SimulatedFault.Timeout, SimulatedFault.Truncate, SimulatedFault.RevokeAccessTokens, SimulatedFault.DayThrottle,
        })
        {
            Assert.True(cloud.Truth.Faulted(kind) > 0, $"no {kind} fault happened; {counts}");
        }

        // Exactly one day 429, and its page was asked for again only once its Retry-After had passed (waited out, not deferred:
        // the run completed without a retry).
        var day = Assert.Single(log, r => r.Fault == SimulatedFault.DayThrottle);
        var again = log.First(r => r.Time > day.Time && r.TenantId == day.TenantId && r.PathAndQuery == day.PathAndQuery);
        Assert.True(again.Time - day.Time >= DayRetryAfter, $"{day.PathAndQuery} asked again {again.Time - day.Time} after its day 429");

        // Slower than the attempt timeout: the Worker gave up (499) long before the simulator's hang ended.
        Assert.All(log.Where(r => r.Fault == SimulatedFault.Timeout), r => Assert.Equal(499, r.StatusCode));
        Assert.True(cloud.Truth.TokenCalls("client_credentials") >= 2, "the revoked token was never replaced");

        // Every message the Dispatcher published reached the Worker through both push subscriptions. The run can complete
        // on one subscription's deliveries while the other's copies of its last messages still queue behind deliveries
        // waiting for permits: wait for them (woken by each push), then compare.
        HashSet<string> Pushed(IReadOnlyList<PushDelivery> all, string name) =>
            all.Where(p => p.Subscription.EndsWith("/" + name + cloud.Id, StringComparison.Ordinal)).Select(p => p.MessageId).ToHashSet(StringComparer.Ordinal);
        await cloud.WaitForPushesAsync(all => Pushed(all, "fetch-push-").SetEquals(Pushed(all, "fetch-push-copy-")), CopyTimeout, Token);
        pushes = cloud.PushDeliveries;
        var primary = Pushed(pushes, "fetch-push-");
        var copy = Pushed(pushes, "fetch-push-copy-");
        Assert.NotEmpty(primary);
        Assert.True(primary.SetEquals(copy), $"{primary.Count} messages pushed by the subscription, {copy.Count} by its copy, {primary.Intersect(copy).Count()} by both");

        // Nothing was dead-lettered: every failed delivery was redelivered and succeeded.
        Assert.Empty(await cloud.PullDeadLettersAsync(Token));

        // Every manifest's finalize event reached the Worker twice (Storage's own record), and both copies were answered 2xx.
        await cloud.Gcs.FinalizeEventsSettledAsync(CopyTimeout, Token);
        var manifests = cloud.Gcs.Objects.Keys.Where(k => k.Contains("/_manifest", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(manifests);
        var answered = cloud.Gcs.FinalizeDeliveries.Where(d => d.Status is >= 200 and < 300).GroupBy(d => d.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.All(manifests, m => Assert.True(answered.GetValueOrDefault(m) == 2, $"{m}: {answered.GetValueOrDefault(m)} finalize deliveries answered 2xx"));

        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true);
        CloudSyncTests.AssertOneLoadPerManifest(cloud, runId);
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
