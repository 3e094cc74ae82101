using System.Text.Json;
using XeroSync.Cli.Local;
using XeroSync.Ledger;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// What the list calls leave out (issue 9): budgets' lines and contact groups' members, read one record at a time
/// after the list, land in their own tables and child views exactly as the simulator's by-id calls serve them, with
/// one call per record and, incrementally, per changed budget only. Expectations from the simulator's records.
/// </summary>
public sealed class LocalSyncDetailTests
{
    private static readonly string[] DetailEndpoints = ["Budgets", "ContactGroups"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Budget_lines_and_group_members_land_as_the_by_id_calls_serve_them_one_call_per_record()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        StartedRun started;
        await using (var pipeline = demo.CreatePipeline())
        {
            started = await pipeline.SyncAsync(new RunRequest { Endpoints = DetailEndpoints }, Token);
            Assert.Equal(RunPhase.Complete, new RunState(started.Run, await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token)).Phase);
        }

        Assert.All(DetailEndpoints, e => Assert.True(SimulatorTruth.HasDetails(demo.Truth, e), $"the simulator's {e} by id serve more than the list"));
        foreach (var tenant in demo.Truth.Tenants)
        {
            foreach (var endpoint in DetailEndpoints)
            {
                var ids = demo.Truth.GetRecords(tenant.TenantId, endpoint).Keys.Order(StringComparer.Ordinal).ToList();
                var requests = demo.Truth.Requests.Where(r => r.TenantId == tenant.TenantId && r.Endpoint == endpoint).ToList();
                var byId = requests.Select(r => r.PathAndQuery.Split('?')[0]).Where(p => p.Contains("/" + endpoint + "/", StringComparison.Ordinal))
                    .Select(p => p[(p.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal).ToList();
                Assert.True(ids.Count > 0, $"{tenant.Name} has {endpoint}");
                Assert.Equal(ids, byId);
                Assert.Equal(1 + ids.Count, requests.Count);
            }
        }

        demo.AssertViewsEqualTruth(noRawDuplicates: true, only: DetailEndpoints);
        using var warehouse = demo.OpenWarehouse();
        Assert.Equal(Elements(demo.Truth, "Budgets", "BudgetLines"), warehouse.Scalar("SELECT count(*) FROM xero_typed.budget_lines"));
        Assert.Equal(Elements(demo.Truth, "ContactGroups", "Contacts"), warehouse.Scalar("SELECT count(*) FROM xero_typed.contact_group_members"));
        Assert.True(warehouse.Scalar("SELECT count(*) FROM xero_typed.budget_lines") > 0);
        Assert.True(warehouse.Scalar("SELECT count(*) FROM xero_typed.contact_group_members") > 0);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_incremental_sync_rereads_only_the_budgets_changed_since_and_every_group()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        await using var pipeline = demo.CreatePipeline();
        var first = await pipeline.SyncAsync(new RunRequest { Endpoints = DetailEndpoints }, Token);

        var tenant = demo.Truth.Tenants[0];
        var edited = demo.Truth.ApplyChange(tenant.TenantId, "Budgets", ChangeKind.Edit);
        demo.Clock.Advance(TimeSpan.FromMinutes(30));
        demo.Truth.ResetRequestLog();
        var second = await pipeline.SyncAsync(new RunRequest { Endpoints = DetailEndpoints }, Token);
        Assert.Equal(RunPhase.Complete, new RunState(second.Run, await pipeline.Ledger.GetRunEndpointsAsync(second.Run.RunId, Token)).Phase);

        var watermark = first.Run.StartedAt - TimeSpan.FromSeconds(300); // README: XEROSYNC_WATERMARK_OVERLAP_SECONDS, default 300
        foreach (var t in demo.Truth.Tenants)
        {
            foreach (var endpoint in DetailEndpoints)
            {
                var rules = demo.Truth.Rules(endpoint);
                var minimum = SimulatorTruth.MinimumCalls(demo.Truth, t.TenantId, rules, demo.Truth.Count(t.TenantId, endpoint), watermark);
                var requests = demo.Truth.Requests.Where(r => r.TenantId == t.TenantId && r.Endpoint == endpoint).ToList();
                Assert.True(minimum == requests.Count, $"{t.Name} {endpoint}: {requests.Count} calls, expected {minimum}");
            }
        }

        var budgetsRead = demo.Truth.Requests.Count(r => r.TenantId == tenant.TenantId && r.PathAndQuery.StartsWith("/api.xro/2.0/Budgets/", StringComparison.Ordinal));
        Assert.True(budgetsRead < demo.Truth.Count(tenant.TenantId, "Budgets"), $"{budgetsRead} budgets re-read of {demo.Truth.Count(tenant.TenantId, "Budgets")}: unchanged budgets must not be");
        Assert.Contains(demo.Truth.Requests, r => r.PathAndQuery.Split('?')[0].EndsWith("/Budgets/" + edited.RecordId, StringComparison.Ordinal));
        Assert.Equal(
            demo.Truth.Count(tenant.TenantId, "ContactGroups"),
            demo.Truth.Requests.Count(r => r.TenantId == tenant.TenantId && r.PathAndQuery.StartsWith("/api.xro/2.0/ContactGroups/", StringComparison.Ordinal)));
        demo.AssertViewsEqualTruth(only: DetailEndpoints);
    }

    [Theory(Timeout = 240_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_by_id_call_or_a_list_failing_every_delivery_ends_the_run_partial_and_retry_completes_it(bool byId)
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token);
        var tenant = demo.Truth.Tenants[0].TenantId;
        var target = demo.Truth.GetRecords(tenant, "ContactGroups").Keys.Order(StringComparer.Ordinal).First();
        demo.Truth.SetFaults(new SimulatorFaults { FailingRequests = [byId ? new FailingRequest("ContactGroups") { RecordId = target } : new FailingRequest("ContactGroups")] });

        string runId;
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, Deliveries)))
        {
            runId = (await pipeline.SyncAsync(new RunRequest { Endpoints = ["ContactGroups"] }, Token)).Run.RunId;
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.True(RunPhase.Partial == state!.Phase, $"run is {state.Phase}: {string.Join("; ", state.Endpoints)}");
            // One message carries the failing request (the by-id call of one group, or the list): it alone is dead-lettered.
            Assert.Equal(1, pipeline.DeadLettered);
            Assert.Equal(2, state.Endpoints.Count);
            var gaps = state.Endpoints.Where(e => e.Phase == EndpointPhase.Partial).ToList();
            Assert.True(gaps.Count == (byId ? 1 : 2), $"endpoints with gaps: {string.Join("; ", gaps)}");
            Assert.All(gaps, e => Assert.True(e.Failed >= 1, e.ToString()));
        }

        var faulted = demo.Truth.Requests.Where(r => r.Problem == "fault:targeted").ToList();
        // Each delivery sends the request once and retries it twice (MaxRetries 2, FastFailure): deliveries x 3 calls.
        Assert.True(faulted.Count == Deliveries * 3, $"{faulted.Count} failing calls logged, expected {Deliveries} deliveries x 3 attempts");
        Assert.All(faulted, r => Assert.Equal(byId ? "/api.xro/2.0/ContactGroups/" + target : "/api.xro/2.0/ContactGroups", r.PathAndQuery.Split('?')[0]));
        using (var warehouse = demo.OpenWarehouse())
        {
            // Exactly what succeeded: every group's members but the failing one's, or (the list failed) nothing.
            var latest = warehouse.Latest(SimulatorTruth.DetailTableName("ContactGroups"));
            var truth = demo.Truth.GetRecordDetails(tenant, "ContactGroups");
            Assert.Equal(byId ? truth.Count - 1 : 0, latest.Count);
            Assert.DoesNotContain((tenant, target), latest.Keys);
            Assert.All(latest, r => Assert.Equal(truth[r.Key.Record], r.Value));
        }

        demo.Truth.SetFaults(SimulatorFaults.None);
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, Deliveries)))
        {
            var retried = await pipeline.RetryAsync(runId, Token);
            Assert.True(retried.Republished >= 1);
            await pipeline.WaitForIdleAsync(Token);
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.True(RunPhase.Complete == state!.Phase, $"run is {state.Phase}: {string.Join("; ", state.Endpoints)}");
            var again = await pipeline.RetryAsync(runId, Token);
            Assert.Equal((0, 0, 0), (again.Republished, again.ManifestsWritten, again.ManifestsLoaded));
        }

        demo.AssertViewsEqualTruth(noRawDuplicates: true, only: ["ContactGroups"]);
    }

    private const int Deliveries = 3;


    /// <summary>Elements of one array across every record the simulator's by-id call serves.</summary>
    private static long Elements(SimulatorState truth, string endpoint, string array) =>
        truth.Tenants.Sum(t => truth.GetRecordDetails(t.TenantId, endpoint).Values.Sum(json =>
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty(array, out var items) ? items.GetArrayLength() : 0;
        }));
}
