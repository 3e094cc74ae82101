using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// The local shape under every fault at once (issue 11's chaos list): 5 % 5xx, 2 % 429 of each kind, 1 %
/// answers slower than the attempt timeout, 2 % truncated bodies, one token revocation, one day 429, and
/// every message delivered twice. The simulator's log proves each fault happened and the queues' delivery log that
/// every message was delivered twice; the views must still
/// equal the simulator's records and the run must be complete (after a retry, as a user would, when the
/// day limit deferred pages).
/// </summary>
public sealed class LocalChaosTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan DayReset = TimeSpan.FromMinutes(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static SimulatorFaults Chaos => new()
    {
        ServerErrorRate = 0.05,
        MinuteThrottleRate = 0.02,
        ConcurrentThrottleRate = 0.02,
        AppMinuteThrottleRate = 0.02,
        ThrottleRetryAfter = TimeSpan.FromSeconds(1),
        TimeoutRate = 0.01,
        TimeoutDuration = TimeSpan.FromSeconds(30),
        TruncateRate = 0.02,
        RevokeAccessTokensAtCall = 25,
        DayThrottleAtCall = 60,
        DayRetryAfter = DayReset,
    };

    [Fact(Timeout = 600_000)]
    public async Task Sync_under_every_fault_at_once_lands_exactly_the_simulators_records_and_completes()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 3, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 2,
            Faults = Chaos,
        });
        var clock = (AdjustableTimeProvider)demo.Time;
        var deliveries = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Debug)
            .AddFilter((category, _) => category is not null && category.StartsWith("XeroSync.Queue.", StringComparison.Ordinal))
            .AddProvider(new FakeLoggerProvider(deliveries)));

        string runId;
        await using (var pipeline = demo.CreatePipeline(Settings, loggers))
        {
            runId = (await pipeline.SyncAsync(new RunRequest(), Token)).Run.RunId;
            var progress = await pipeline.Ledger.GetRunEndpointsAsync(runId, Token);

            // Exactly one day 429 (the simulator's 60th call): before the retry, the only endpoints not complete are that
            // tenant's, each with deferred pages and none failed; every other tenant's endpoints are complete.
            var dayLimited = Assert.Single(demo.Truth.Requests, r => r.Fault == SimulatedFault.DayThrottle).TenantId;
            var incomplete = progress.Where(p => !p.IsComplete).ToList();
            Assert.NotEmpty(incomplete);
            Assert.All(incomplete, p => Assert.True(
                p.TenantId == dayLimited && p.Deferred > 0 && p.Failed == 0,
                $"{p.TenantId} {p.Endpoint} is not complete before the retry ({p.Failed} failed, {p.Deferred} deferred); only {dayLimited}'s deferred endpoints may be"));

            // The day 429 deferred a tenant until the reset; a user runs `retry` once it has passed.
            clock.Advance(DayReset);
            await pipeline.RetryAsync(runId, Token);
            await pipeline.WaitForIdleAsync(Token);

            var log = demo.Truth.Requests;
            var counts = string.Join(", ", log.Where(r => r.Fault is not null).GroupBy(r => r.Fault).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x {g.Count()}"));
            TestContext.Current.TestOutputHelper?.WriteLine($"{log.Count} requests; faults: {counts}");
            Assert.True(log.Any(r => r.Fault is SimulatedFault.ServerError500 or SimulatedFault.ServiceUnavailable503), counts);
            foreach (var kind in new[]
            {
                SimulatedFault.MinuteThrottle, SimulatedFault.ConcurrentThrottle, SimulatedFault.AppMinuteThrottle, SimulatedFault.DayThrottle,
                SimulatedFault.Timeout, SimulatedFault.Truncate, SimulatedFault.RevokeAccessTokens,
            })
            {
                Assert.True(demo.Truth.Faulted(kind) > 0, $"no {kind} fault happened; {counts}");
            }

            // Slower than the attempt timeout: the client gave up (499) before the simulator's 30 s hang ended.
            Assert.All(log.Where(r => r.Fault == SimulatedFault.Timeout), r => Assert.Equal(499, r.StatusCode));
            Assert.True(demo.Truth.TokenCalls("client_credentials") >= 2, "the revoked token was never replaced");

            progress = await pipeline.Ledger.GetRunEndpointsAsync(runId, Token);
            Assert.All(progress, p =>
            {
                Assert.True(p.IsComplete, $"{p.TenantId} {p.Endpoint} is not complete");
                Assert.True(p.Deferred + p.Failed == 0, $"{p.TenantId} {p.Endpoint}: {p.Failed} failed, {p.Deferred} deferred");
                Assert.True(p.ManifestsClaimed == p.ManifestsLoaded, $"{p.TenantId} {p.Endpoint}: {p.ManifestsClaimed} manifests claimed, {p.ManifestsLoaded} loaded");
            });
            Assert.Equal(0, pipeline.DeadLettered);
        }

        AssertEveryMessageDeliveredTwice(deliveries);
        demo.AssertViewsEqualTruth(noRawDuplicates: true);
    }

    /// <summary>
    /// From the queues' own delivery log (event 604, one record per delivery): every message of the fetch and the load
    /// queue had exactly two first deliveries (the copies; redeliveries after a failure come on top).
    /// </summary>
    private static void AssertEveryMessageDeliveredTwice(FakeLogCollector deliveries)
    {
        var first = deliveries.GetSnapshot()
            .Where(r => r.Id.Id == 604 && r.GetStructuredStateValue("Attempt") == "1")
            .GroupBy(r => (Queue: r.GetStructuredStateValue("Queue"), Message: r.GetStructuredStateValue("MessageId")))
            .ToList();
        var perQueue = string.Join(", ", first.GroupBy(g => g.Key.Queue).Select(q => $"{q.Key}: {q.Count()} messages, {q.Sum(m => m.Count())} first deliveries"));
        TestContext.Current.TestOutputHelper?.WriteLine(perQueue);
        foreach (var queue in new[] { "fetch", "load" })
        {
            Assert.True(first.Any(g => g.Key.Queue == queue), $"no {queue} deliveries logged; {perQueue}");
        }

        Assert.All(first, g => Assert.True(g.Count() == 2, $"{g.Key.Queue} message {g.Key.Message}: {g.Count()} first deliveries; {perQueue}"));
    }

    /// <summary>Short attempts (so slow answers time out quickly), patient retries, every message delivered twice.</summary>
    private static XeroSync.Cli.Local.LocalPipelineSettings Settings(XeroSync.Cli.Local.LocalPipelineSettings settings)
    {
        settings.Xero.AttemptTimeout = AttemptTimeout;
        settings.Xero.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
        settings.Xero.MaxRetries = 10;
        return settings with
        {
            Queue = new InProcessQueueOptions
            {
                DeliveriesPerMessage = 2,
                MaxDeliveryAttempts = 20,
                MinimumBackoff = TimeSpan.FromMilliseconds(100),
                MaximumBackoff = TimeSpan.FromSeconds(2),
            },
        };
    }
}
