using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Xero's Starter tier allows an organisation 1,000 calls a day (developer.xero.com pricing FAQ, 2026; the other tiers
/// 5,000). The service is not told the tier: it follows what Xero's headers say (X-DayLimit-Remaining, and the one
/// day-limit 429 with its Retry-After). An organisation with more work than a Starter day: the first day stops at the
/// limit with the rest deferred, each day after the reset reads on, and the run ends exact.
/// </summary>
public sealed class StarterTierTests
{
    /// <summary>Xero's Starter tier: calls per organisation per day.</summary>
    private const int StarterDailyLimit = 1000;

    /// <summary>Pages of 5 records: the demo organisation takes well over 1,000 calls, a small one stays fast.</summary>
    private const int PageSize = 5;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_starter_organisation_with_more_work_than_a_day_defers_resumes_after_each_reset_and_ends_exact()
    {
        // The clock is frozen (no sleeps): a minute limit that one frozen minute cannot reach, so only the day limit binds.
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            PerMinuteLimit = 100_000,
            DailyLimit = StarterDailyLimit,
            Behaviour = new SimulatorBehaviour { PageSizeCap = PageSize },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;

        string runId;
        await using (var pipeline = demo.CreatePipeline())
        {
            runId = (await pipeline.SyncAsync(new RunRequest(), Token)).Run.RunId;
            var first = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.Equal(RunPhase.Partial, first!.Phase);
            Assert.Contains(first.Endpoints, e => e.Deferred > 0);
            Assert.Equal(0, first.Endpoints.Sum(e => e.Failed));
            AssertDay(demo, tenant, StarterDailyLimit);
        }

        var days = 1;
        while (true)
        {
            var before = (Accepted: demo.Truth.ApiCalls(tenant), Day: demo.Truth.Throttled(tenant, "day"), All: demo.Truth.Throttled(tenant));
            demo.Clock.Advance(TimeSpan.FromDays(1));
            days++;
            await using var pipeline = demo.CreatePipeline();
            Assert.True((await pipeline.RetryAsync(runId, Token)).Republished > 0);
            await pipeline.WaitForIdleAsync(Token);
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.Equal(0, state!.Endpoints.Sum(e => e.Failed));

            // Each day within the Starter limit, and no 429 but at most the one day-limit answer that told the client.
            var calls = demo.Truth.ApiCalls(tenant) - before.Accepted;
            Assert.InRange(calls, 1, StarterDailyLimit);
            Assert.InRange(demo.Truth.Throttled(tenant, "day") - before.Day, 0, 1);
            Assert.Equal(demo.Truth.Throttled(tenant, "day") - before.Day, demo.Truth.Throttled(tenant) - before.All);
            if (state.Phase == RunPhase.Complete)
            {
                break;
            }

            Assert.Equal(StarterDailyLimit, calls);
            Assert.True(days < 10, "the run should not take more than a few Starter days");
        }

        Assert.True(days >= 2);
        demo.AssertViewsEqualTruth();
    }

    /// <summary>The first day: exactly the Starter limit accepted, then at most one day-limit 429 and no other.</summary>
    private static void AssertDay(LocalDemoEnvironment demo, string tenant, int accepted)
    {
        Assert.Equal(accepted, demo.Truth.ApiCalls(tenant));
        Assert.InRange(demo.Truth.Throttled(tenant, "day"), 0, 1);
        Assert.Equal(demo.Truth.Throttled(tenant, "day"), demo.Truth.Throttled(tenant));
    }
}
