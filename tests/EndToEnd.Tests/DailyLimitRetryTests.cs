using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Tests;

/// <summary>The daily limit defers a tenant's pages instead of failing the run; retry completes it after the reset.</summary>
public sealed class DailyLimitRetryTests
{
    /// <summary>
    /// Less than one full sync of the demo organisation (64 calls: 54 list calls, one by-id call per budget and per
    /// group), more than half of it: the first day defers the rest, the second day's budget holds what is left.
    /// </summary>
    private const int DailyLimit = 40;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Pages_past_the_daily_limit_are_deferred_then_retry_after_the_reset_completes_the_run()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new XeroSimulator.SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            DailyLimit = DailyLimit,
        });

        string runId;
        await using (var pipeline = demo.CreatePipeline())
        {
            var started = await pipeline.SyncAsync(new RunRequest(), Token);
            runId = started.Run.RunId;
            var progress = await pipeline.Ledger.GetRunEndpointsAsync(runId, Token);
            Assert.All(progress, p => Assert.True(p.IsFinished, $"{p.Endpoint} has not finished"));
            Assert.Contains(progress, p => p.Deferred > 0);
            Assert.All(progress.Where(p => p.Deferred > 0), p => Assert.Equal(EndpointPhase.Partial, p.Phase));
            Assert.Equal(RunPhase.Partial, new RunState(started.Run, progress).Phase);
            Assert.Equal(0, progress.Sum(p => p.Failed));
            Assert.True(demo.Truth.ApiCalls() <= DailyLimit);

            // A deferred endpoint keeps its old watermark (none): the next run re-reads it.
            foreach (var deferred in progress.Where(p => p.Deferred > 0))
            {
                Assert.Null(await pipeline.Watermarks.GetAsync(deferred.TenantId, deferred.Endpoint, Token));
            }
        }

        demo.Clock.Advance(TimeSpan.FromDays(1));
        await using (var pipeline = demo.CreatePipeline())
        {
            var result = await pipeline.RetryAsync(runId, Token);
            Assert.True(result.Republished > 0);
            await pipeline.WaitForIdleAsync(Token);

            var progress = await pipeline.Ledger.GetRunEndpointsAsync(runId, Token);
            Assert.All(progress, p =>
            {
                Assert.True(p.IsComplete, $"{p.Endpoint} is not complete after the retry");
                Assert.Equal(0, p.Deferred + p.Failed);
                Assert.Equal(p.ManifestsClaimed, p.ManifestsLoaded);
            });
        }

        demo.AssertViewsEqualTruth();
    }
}
