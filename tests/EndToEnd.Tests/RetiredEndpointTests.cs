using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>An endpoint Xero has retired (410 Gone) is skipped with a note after one call; the run still completes.</summary>
public sealed class RetiredEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_retired_endpoint_is_skipped_after_one_call_and_never_fails_the_run()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.1,
            RetiredEndpoints = ["Receipts"],
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using var pipeline = demo.CreatePipeline();
        var run = await pipeline.SyncAsync(new RunRequest { Endpoints = ["Receipts", "Invoices"] }, Token);

        var state = await pipeline.Ledger.GetRunStateAsync(run.Run.RunId, Token);
        Assert.Equal(RunPhase.Complete, state!.Phase);
        var receipts = Assert.Single(state.Endpoints, e => e.Endpoint == "Receipts");
        Assert.Equal(EndpointPhase.Skipped, receipts.Phase);
        var page = Assert.Single(await pipeline.Ledger.GetAllPagesAsync(receipts.Key, Token));
        Assert.StartsWith("retired by Xero (410)", page.Error, StringComparison.Ordinal);
        var calls = demo.Truth.Requests.Where(r => r.Endpoint == "Receipts").ToList();
        Assert.Equal(410, Assert.Single(calls).StatusCode);
        Assert.Null(await pipeline.Watermarks.GetAsync(tenant, "Receipts", Token));
        Assert.Equal(0, pipeline.DeadLettered);
    }
}
