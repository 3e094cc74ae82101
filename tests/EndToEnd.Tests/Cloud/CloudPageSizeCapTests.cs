using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape (Pub/Sub and Firestore emulators) when Xero serves fewer records a page than asked for: the simulator
/// caps every paged endpoint at <see cref="Cap"/> records a page whatever <c>pageSize</c> says. The run completes with
/// BigQuery holding exactly the simulator's records, no page loaded twice, and the Xero calls the simulator logged are the
/// fewest for that size, computed from the simulator's records and rules. The endpoints are chosen so several of them
/// need more than one page at the cap while the run stays at a dozen calls (the emulator's Firestore limiter runs
/// some 20-60 Xero calls a minute).
/// </summary>
public sealed class CloudPageSizeCapTests(GoogleEmulators emulators)
{
    private const int Cap = 40;

    // At Scale 0.1: Payments about 50 (2 pages), Contacts 150 (4), PurchaseOrders 90 (3), CreditNotes 15 and ManualJournals 10
    // (one page under the cap), and Quotes, which pages by page number alone at Xero's fixed size (no cap applies to it).
    private static readonly string[] Endpoints = ["Payments", "Contacts", "PurchaseOrders", "CreditNotes", "ManualJournals", "Quotes"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_page_size_cap_below_1000_in_the_cloud_loses_no_record_and_makes_the_fewest_calls_for_that_size()
    {
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions
            {
                Seed = o.Seed,
                Tenants = 1,
                ChangesPerMinute = 0,
                Scale = 0.1,
                Clock = o.Clock,
                Behaviour = new SimulatorBehaviour { PageSizeCap = Cap },
            },
            // Many pages wait on the same tenant's permits through the Firestore limiter; a 180 s deadline gives each
            // delivery a 90 s budget, longer than a rate-limit minute (see CloudSyncTests' dead-letter test).
            pushDeadlineSeconds: 180);
        var tenant = cloud.Truth.Tenants[0].TenantId;

        var runId = await cloud.StartRunAsync(Token, Endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, TimeSpan.FromMinutes(5), Token, "complete", "partial"));

        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true, only: Endpoints);
        using var run = await cloud.GetRunAsync(runId, Token);
        var reported = run.RootElement.GetProperty("endpoints").EnumerateArray()
            .ToDictionary(s => s.GetProperty("endpoint").GetString()!, s => s.GetProperty("calls").GetInt32());
        var split = 0;
        foreach (var name in Endpoints)
        {
            var rules = cloud.Truth.Rules(name);
            var records = cloud.Truth.Count(tenant, name);
            var capped = rules.Paging == "page+size" ? rules with { FullPage = Cap } : rules;
            var minimum = SimulatorTruth.MinimumCalls(cloud.Truth, tenant, capped, records);
            var calls = cloud.Truth.Requests.Count(r => r.TenantId == tenant && r.Endpoint == name);
            Assert.True(minimum == calls, $"{name}: {calls} calls for {records} records at {capped.FullPage} a page, the fewest is {minimum}");
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {records} records, {calls} calls at {capped.FullPage} a page (fewest {minimum})");
            Assert.True(reported.TryGetValue(name, out var shown) && shown == calls, $"{name}: GET /runs/{runId} shows {shown} calls, the simulator saw {calls}");
            if (rules.Paging == "page+size" && records > Cap)
            {
                split++;
            }
        }

        Assert.True(split >= 3, $"the cap must split several endpoints into more than one page; it split {split}");
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.Endpoint is { } e && e != "connections" && !Endpoints.Contains(e));
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
