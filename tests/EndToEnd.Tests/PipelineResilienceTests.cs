using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>The local shape under load, faults, missing entitlements and a spent day budget.</summary>
public sealed class PipelineResilienceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Ten_tenant_demo_sync_is_never_throttled_and_lands_the_truth()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 10, Token, o => new SimulatorOptions { Clock = o.Clock, Seed = o.Seed, Tenants = o.Tenants, CreatedAt = o.CreatedAt, Scale = 0.2 });
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
            Assert.Equal(0, pipeline.DeadLettered);
            Assert.Equal(0, pipeline.Poisoned);
        }

        Assert.Equal(0, demo.Truth.Throttled());
        foreach (var tenant in demo.Truth.Tenants)
        {
            Assert.True(demo.Truth.MaxConcurrency(tenant.TenantId) <= 5);
        }

        demo.AssertViewsEqualTruth();
    }

    [Fact(Timeout = 300_000)]
    public async Task Sync_under_server_errors_slow_responses_and_truncated_bodies_lands_exact_data()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 2, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.2,
            Faults = new SimulatorFaults { ServerErrorRate = 0.05, SlowRate = 0.05, SlowLatency = TimeSpan.FromMilliseconds(200), TruncateRate = 0.05 },
        });
        await using (var pipeline = demo.CreatePipeline(s => s with
        {
            Xero = new XeroOptions { ApiUrl = s.Xero.ApiUrl, IdentityUrl = s.Xero.IdentityUrl, ClientId = s.Xero.ClientId, ClientSecret = s.Xero.ClientSecret, RetryBaseDelay = TimeSpan.FromMilliseconds(10) },
            Queue = new Messaging.Local.InProcessQueueOptions { MinimumBackoff = TimeSpan.FromMilliseconds(20), MaximumBackoff = TimeSpan.FromMilliseconds(200) },
        }))
        {
            var run = await pipeline.SyncAsync(new RunRequest(), Token);
            Assert.Equal(0, pipeline.DeadLettered);
            var progress = await pipeline.Ledger.GetRunEndpointsAsync(run.Run.RunId, Token);
            Assert.All(progress, p => Assert.True(p.Failed == 0 && p.Deferred == 0 && p.IsComplete, $"{p.TenantId} {p.Endpoint}: {p}"));
        }

        // From the simulator's log: every fault kind happened, and every request that failed (a 5xx or a body cut
        // mid-way) was sent again exactly once per failure: for each distinct request, the sends equal one answer that
        // was read plus one per failure. A slow answer is a good answer and is not sent again.
        var api = demo.Truth.Requests.Where(r => r.Endpoint != "connections").ToList();
        var failedKinds = new[] { "fault:500", "fault:503", "fault:truncate" };
        foreach (var kind in failedKinds.Append("fault:slow"))
        {
            Assert.True(api.Any(r => r.Problem == kind), $"the simulator's log holds no {kind}: the test no longer exercises it");
        }

        Assert.All(api.GroupBy(r => (r.TenantId, r.PathAndQuery, r.IfModifiedSince)), sends =>
        {
            var failures = sends.Count(r => failedKinds.Contains(r.Problem));
            Assert.True(sends.Count() == failures + 1, $"{sends.Key.PathAndQuery} ({sends.Key.TenantId}): sent {sends.Count()} times for {failures} failures");
            Assert.False(failedKinds.Contains(sends.Last().Problem), $"{sends.Key.PathAndQuery}: the last answer was a failure");

            // A truncated body is a 200 whose body stops part-way: fewer bytes on the wire than the full answer sent again.
            var full = sends.Last();
            Assert.All(sends.Where(r => r.Problem == "fault:truncate"), cut => Assert.True(
                cut.StatusCode == 200 && cut.BytesSent > 0 && cut.BytesSent < full.BytesSent,
                $"{sends.Key.PathAndQuery}: a truncated answer {cut.StatusCode} of {cut.BytesSent} bytes, the full one {full.BytesSent}"));
        });
        var truncated = api.Count(r => r.Problem == "fault:truncate");
        TestContext.Current.TestOutputHelper?.WriteLine($"{api.Count} API requests: {string.Join(", ", api.Where(r => r.Problem is not null).GroupBy(r => r.Problem).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x {g.Count()}"))}; each of the {truncated} truncated bodies sent again once");
        demo.AssertViewsEqualTruth();
    }

    [Fact(Timeout = 300_000)]
    public async Task Tenant_without_journals_is_recorded_not_entitled_and_the_run_completes()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token, o => new SimulatorOptions { Clock = o.Clock, Seed = o.Seed, Tenants = o.Tenants, CreatedAt = o.CreatedAt, PerMinuteLimit = o.PerMinuteLimit, TenantsWithoutJournals = [1] });
        var withoutJournals = demo.Truth.Tenants[1].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            var run = await pipeline.SyncAsync(new RunRequest(), Token);
            Assert.Equal(0, pipeline.DeadLettered);
            var progress = await pipeline.Ledger.GetRunEndpointsAsync(run.Run.RunId, Token);
            var journals = Assert.Single(progress, p => p.TenantId == withoutJournals && p.Endpoint == "Journals");
            Assert.Equal(1, journals.NotEntitled);
            Assert.True(journals.IsComplete);
            Assert.All(progress.Where(p => p != journals), p => Assert.True(p.Failed == 0 && p.NotEntitled == 0 && p.Deferred == 0 && p.IsComplete, $"{p.TenantId} {p.Endpoint}: {p}"));
            var pages = await pipeline.Ledger.GetAllPagesAsync(new EndpointKey(run.Run.RunId, withoutJournals, "Journals"), Token);
            Assert.Equal(PageStatus.NotEntitled, Assert.Single(pages).Status);
        }

        Assert.Equal(1, demo.Truth.Requests.Count(r => r.TenantId == withoutJournals && r.Endpoint == "Journals"));
        Assert.Equal(1, demo.Truth.ClientCredentialsTokenCalls);

        using var warehouse = demo.OpenWarehouse();
        Assert.Equal(0, warehouse.Scalar($"SELECT count(*) FROM xero.journals WHERE tenant_id = '{withoutJournals}'"));
        Assert.True(warehouse.Scalar($"SELECT count(*) FROM xero.journals WHERE tenant_id = '{demo.Truth.Tenants[0].TenantId}'") > 0);
    }

    [Fact(Timeout = 300_000)]
    public async Task Spent_day_budget_defers_the_tenant_with_partial_manifests_while_others_complete()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token, o => new SimulatorOptions { Clock = o.Clock, Seed = o.Seed, Tenants = o.Tenants, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, Scale = 0.05, DailyLimit = 60 });
        var spent = demo.Truth.Tenants[0].TenantId;
        var healthy = demo.Truth.Tenants[1].TenantId;

        // Another app spends most of tenant 0's day budget first (45 of 60 calls), then a minute passes.
        await SpendCallsAsync(demo, spent, 45);
        demo.Clock.Advance(TimeSpan.FromMinutes(2));

        await using (var pipeline = demo.CreatePipeline())
        {
            var run = await pipeline.SyncAsync(new RunRequest(), Token);
            var progress = await pipeline.Ledger.GetRunEndpointsAsync(run.Run.RunId, Token);
            Assert.All(progress.Where(p => p.TenantId == healthy), p => Assert.True(p.Failed == 0 && p.Deferred == 0 && p.IsComplete, $"{p.Endpoint}: {p}"));
            var deferred = progress.Where(p => p.TenantId == spent && p.Deferred > 0).ToList();
            Assert.NotEmpty(deferred);
            Assert.All(progress.Where(p => p.TenantId == spent), p => Assert.True(p.IsFinished && p.Failed == 0, $"{p.Endpoint}: {p}"));

            // The manifest's documented name (docs/architecture.md): xero/{table}/tenant={id}/run={run}/_manifest.json.
            foreach (var endpoint in deferred.Select(p => p.Endpoint))
            {
                var manifestPath = Path.Combine(pipeline.Settings.ObjectsDirectory, $"xero/{SimulatorTruth.TableName(endpoint)}/tenant={spent}/run={run.Run.RunId}/_manifest.json");
                using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, Token));
                Assert.True(manifest.RootElement.GetProperty("partial").GetBoolean(), $"{endpoint} manifest not partial");
                Assert.NotEmpty(manifest.RootElement.GetProperty("deferred_pages").EnumerateArray());
                Assert.Null(await pipeline.Watermarks.GetAsync(spent, endpoint, Token));
            }

            Assert.NotNull(await pipeline.Watermarks.GetAsync(healthy, "Invoices", Token));
            Assert.Equal(0, pipeline.DeadLettered);
        }

        Assert.True(demo.Truth.ApiCalls(spent) <= 60);
    }

    private static async Task SpendCallsAsync(LocalDemoEnvironment demo, string tenantId, int calls)
    {
        using var http = new HttpClient();
        var options = Options.Create(new XeroOptions { ApiUrl = demo.Simulator.BaseUrl, IdentityUrl = demo.Simulator.BaseUrl, ClientId = demo.Truth.Options.ClientId, ClientSecret = demo.Truth.Options.ClientSecret });
        using var tokens = new ClientCredentialsTokenSource(http, options, demo.Time, NullLogger<ClientCredentialsTokenSource>.Instance);
        var token = await tokens.GetAccessTokenAsync(forceRefresh: false, Token);
        for (var i = 0; i < calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(demo.Simulator.BaseUrl, "api.xro/2.0/Currencies"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("xero-tenant-id", tenantId);
            using var response = await http.SendAsync(request, Token);
            Assert.True(response.IsSuccessStatusCode);
        }
    }
}
