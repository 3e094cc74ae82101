using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Xero may serve fewer records a page than asked for: the page plan follows the size Xero reports
/// (<c>pagination.pageSize</c>, <c>pageCount</c>), so nothing is lost and no call is wasted. Expectations come
/// from the simulator's records and its cap.
/// </summary>
public sealed class PageSizeCapTests
{
    private const int Cap = 40;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_page_size_cap_below_1000_loses_no_record_and_makes_the_fewest_calls_for_that_size()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.1,
            Behaviour = new SimulatorBehaviour { PageSizeCap = Cap },
        });
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        var tenant = demo.Truth.Tenants[0].TenantId;
        foreach (var rules in demo.Truth.EndpointRules)
        {
            var records = demo.Truth.Count(tenant, rules.Name);
            var minimum = SimulatorTruth.MinimumCalls(demo.Truth, tenant, rules.Paging == "page+size" ? rules with { FullPage = Cap } : rules, records);
            var calls = demo.Truth.Requests.Count(r => r.TenantId == tenant && r.Endpoint == rules.Name);
            Assert.True(minimum == calls, $"{rules.Name}: {calls} calls for {records} records at {Cap} a page, the fewest is {minimum}");
        }

        Assert.True(demo.Truth.EndpointRules.Any(r => r.Paging == "page+size" && demo.Truth.Count(tenant, r.Name) > 2 * Cap), "the cap must split some endpoint into several pages");
        Assert.Equal(0, demo.Truth.Throttled());
        demo.AssertViewsEqualTruth(noRawDuplicates: true);
    }
}
