using XeroSync.Cli.Local;
using XeroSync.Ledger;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A request that fails on every delivery is dead-lettered, for every paging style Xero has (page+size, page only,
/// offset, one call): the run ends partial, never complete; the views hold exactly what succeeded; the watermark
/// does not move; and a retry once the fault clears gives exactly the simulator's data. Which records a page holds
/// is computed from the simulator's own paging rules.
/// </summary>
public sealed class DeadLetterTests
{
    private const int Deliveries = 3;

    /// <summary>One call and FastFailure's two retries.</summary>
    private const int AttemptsPerDelivery = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string[], int, double> Cases => new()
    {
        // endpoint, the request that always fails, the page it is, the scale that gives the endpoint that many pages
        // (Invoices: 1,000 at scale 1, so 2,200 for a third page of 1,000)
        { "Invoices", ["page=3"], 3, 2.2 },
        { "Quotes", ["page=3"], 3, 0.6 },
        { "Journals", ["offset=200"], 3, 0.6 },
        { "Organisation", [], 1, 0.6 },
    };

    [Theory(Timeout = 240_000)]
    [MemberData(nameof(Cases))]
    public async Task A_request_failing_every_delivery_ends_the_run_partial_and_retry_completes_it(string endpoint, string[] failing, int failingPage, double scale)
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = scale,
            Faults = new SimulatorFaults { FailingRequests = [new FailingRequest(endpoint, failing)] },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        var rules = demo.Truth.Rules(endpoint);
        var total = demo.Truth.Count(tenant, endpoint);
        Assert.True(rules.Paging == "none" || total > failingPage * rules.FullPage - rules.FullPage, $"{endpoint} needs more than {failingPage - 1} full pages for this test ({total} records)");

        string runId;
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, Deliveries)))
        {
            var started = await pipeline.SyncAsync(new RunRequest { Endpoints = [endpoint] }, Token);
            runId = started.Run.RunId;
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.NotNull(state);
            Assert.True(RunPhase.Partial == state.Phase, $"run is {state.Phase}: {string.Join("; ", state.Endpoints)}");
            var row = Assert.Single(state.Endpoints);
            Assert.Equal(EndpointPhase.Partial, row.Phase);
            Assert.True(row.Failed >= 1, $"{endpoint}: no failed page recorded: {row}");
            Assert.Equal(1, pipeline.DeadLettered);
            Assert.Null(await pipeline.Watermarks.GetAsync(tenant, endpoint, Token));
        }

        // The fault really happened, on every delivery of the request, and on nothing else.
        var faulted = demo.Truth.Requests.Where(r => r.Problem == "fault:targeted").ToList();
        // Each delivery sends the request once and retries it MaxRetries (2, FastFailure) times: 3 x 3 calls.
        Assert.True(faulted.Count == Deliveries * AttemptsPerDelivery, $"{faulted.Count} failing calls logged, expected {Deliveries} deliveries x {AttemptsPerDelivery} attempts");
        Assert.All(faulted, r => Assert.Equal(endpoint, r.Endpoint));

        // Exactly what succeeded is in the warehouse: a range page is missing alone; a chain stops at its failing page.
        var missing = rules.Paging switch
        {
            "page+size" => Math.Min(rules.FullPage, total - ((failingPage - 1) * rules.FullPage)),
            "page" or "offset" => total - ((failingPage - 1) * rules.FullPage),
            _ => total,
        };
        var table = SimulatorTruth.TableName(endpoint);
        using (var warehouse = demo.OpenWarehouse())
        {
            var latest = warehouse.Latest(table);
            Assert.Equal(total - missing, latest.Count);
            Assert.Equal(total - missing, warehouse.Scalar($"SELECT count(*) FROM xero_raw.{table}"));
            var truth = demo.Truth.GetRecords(tenant, endpoint);
            Assert.All(latest, r => Assert.Equal(truth[r.Key.Record], r.Value));
        }

        demo.Truth.SetFaults(SimulatorFaults.None);
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, Deliveries)))
        {
            var retried = await pipeline.RetryAsync(runId, Token);
            Assert.True(retried.Republished >= 1);
            await pipeline.WaitForIdleAsync(Token);
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.Equal(RunPhase.Complete, state!.Phase);
            if (rules.SupportsIfModifiedSince)
            {
                Assert.NotNull(await pipeline.Watermarks.GetAsync(tenant, endpoint, Token));
            }

            // A second retry of a complete run has nothing to do.
            var again = await pipeline.RetryAsync(runId, Token);
            Assert.Equal((0, 0, 0), (again.Republished, again.ManifestsWritten, again.ManifestsLoaded));
        }

        using (var warehouse = demo.OpenWarehouse())
        {
            var truth = demo.Truth.GetRecords(tenant, endpoint);
            var latest = warehouse.Latest(table);
            Assert.Equal(truth.Count, latest.Count);
            Assert.All(truth, r => Assert.Equal(r.Value, latest[(tenant, r.Key)]));
            Assert.Equal(truth.Count, warehouse.Scalar($"SELECT count(*) FROM xero_raw.{table}"));
        }
    }
}
