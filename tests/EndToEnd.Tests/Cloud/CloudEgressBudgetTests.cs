using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XeroSync.Pipeline;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The monthly egress budget in the cloud shape (Dispatcher, Worker, Firestore ledger): with each organisation's budget
/// (<c>XEROSYNC_TENANT_EGRESS_BUDGET_MB</c>) spent by the first sync, the next sync still runs to completion and
/// <c>POST /run</c> reports the budget; <c>POST /reconcile</c> defers every endpoint with a note naming the budget and
/// what was used (from the simulator's request log), asks Xero for nothing but its probe, and counts the probe's bytes. A full
/// sync (<c>"full": true</c>) plans within the budget the same way and completes once the budget is lifted.
/// </summary>
public sealed class CloudEgressBudgetTests(GoogleEmulators emulators)
{
    /// <summary>1,000 bytes a month: less than any organisation's first sync receives.</summary>
    private const string BudgetMegabytes = "0.001";

    private static readonly string[] Endpoints = ["Accounts", "Items", "TrackingCategories"];

    private static readonly string[] FullEndpoints = ["Accounts", "Contacts", "Items", "Organisation", "TrackingCategories"];

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Over_an_organisations_egress_budget_a_sync_runs_and_is_reported_and_a_reconcile_defers_naming_the_budget()
    {
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            rewriteVariable: (_, name, value) => name == "XEROSYNC_TENANT_EGRESS_BUDGET_MB" ? BudgetMegabytes : value);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(175) };
        var tenants = cloud.Truth.Tenants.Select(t => t.TenantId).Order(StringComparer.Ordinal).ToList();

        using var first = await PostAsync(http, cloud, "run", new { endpoints = Endpoints });
        Assert.Empty(first.RootElement.GetProperty("egress_warnings").EnumerateArray());
        Assert.Equal("complete", await cloud.WaitForStateAsync(first.RootElement.GetProperty("run_id").GetString()!, RunTimeout, Token, "complete", "partial"));

        // Over budget: the sync is reported, not held back.
        using var second = await PostAsync(http, cloud, "run", new { endpoints = Endpoints });
        var warnings = second.RootElement.GetProperty("egress_warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Equal(tenants.Select(t => $"monthly egress budget of {BudgetMegabytes} MB for tenant {t} exceeded:"), warnings.Select(w => w[..w.IndexOf(':', StringComparison.Ordinal)] + ":"));
        Assert.Equal("complete", await cloud.WaitForStateAsync(second.RootElement.GetProperty("run_id").GetString()!, RunTimeout, Token, "complete", "partial"));

        // What each organisation received this month, as the simulator sent it.
        var used = tenants.ToDictionary(t => t, t => cloud.Truth.Requests.Where(r => r.TenantId == t).Sum(r => r.BytesSent), StringComparer.Ordinal);
        cloud.Truth.ResetRequestLog();
        var reconcile = await cloud.StartReconcileAsync(Endpoints, 100, Token);
        Assert.Equal("partial", await cloud.WaitForStateAsync(reconcile, RunTimeout, Token, "complete", "partial"));

        using var status = await cloud.GetRunAsync(reconcile, Token);
        var deferred = status.RootElement.GetProperty("egress_deferred").EnumerateArray()
            .Select(d => (Tenant: d.GetProperty("tenant_id").GetString()!, Endpoint: d.GetProperty("endpoint").GetString()!, Note: d.GetProperty("note").GetString()!))
            .ToList();
        Assert.Equal(tenants.SelectMany(t => Endpoints.Select(e => (t, e))), deferred.Select(d => (d.Tenant, d.Endpoint)).Order());
        Assert.All(deferred, d => Assert.StartsWith($"monthly egress budget of {BudgetMegabytes} MB for tenant {d.Tenant} would be exceeded (used {Megabytes(used[d.Tenant])} MB", d.Note, StringComparison.Ordinal));

        // Xero was asked for each organisation's probe and nothing else, and the run counts the probe's bytes.
        var usage = status.RootElement.GetProperty("tenants").EnumerateArray()
            .ToDictionary(t => t.GetProperty("tenant_id").GetString()!, t => (Calls: t.GetProperty("calls").GetInt64(), Bytes: t.GetProperty("bytes_received").GetInt64()), StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var probe = Assert.Single(cloud.Truth.Requests, r => r.TenantId == tenant);
            Assert.Equal("Organisation", probe.Endpoint);
            Assert.Equal((1L, probe.BytesSent), usage[tenant]);
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task A_full_sync_stays_within_each_organisations_egress_budget_defers_the_rest_naming_it_and_completes_once_the_budget_is_lifted()
    {
        // The services start with a budget no sync reaches (1,000,000 MB), read from XEROSYNC_TENANT_EGRESS_BUDGET_MB; the
        // Dispatcher's budget is then set from what the first sync received, as redeploying it with a new value would.
        IOptions<PipelineOptions>? dispatcherOptions = null;
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            rewriteVariable: (_, name, value) => name == "XEROSYNC_TENANT_EGRESS_BUDGET_MB" ? "1000000" : value,
            configureService: (service, builder) =>
            {
                if (service == "dispatcher")
                {
                    dispatcherOptions = (IOptions<PipelineOptions>)builder.Services.Last(d => d.ServiceType == typeof(IOptions<PipelineOptions>)).ImplementationInstance!;
                }
            });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(175) };
        var tenants = cloud.Truth.Tenants.Select(t => t.TenantId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(1_000_000L * 1_000_000, dispatcherOptions!.Value.TenantEgressBudgetBytes);

        using var first = await PostAsync(http, cloud, "run", new { endpoints = FullEndpoints });
        Assert.Equal("complete", await cloud.WaitForStateAsync(first.RootElement.GetProperty("run_id").GetString()!, RunTimeout, Token, "complete", "partial"));

        // Used this month per organisation, as the simulator sent it. A full sync of the same endpoints needs about as much again;
        // the budget leaves the organisation that used most 40 % of the other's first sync, so it cannot read everything.
        var used = tenants.ToDictionary(t => t, t => cloud.Truth.Requests.Where(r => r.TenantId == t).Sum(r => r.BytesSent), StringComparer.Ordinal);
        var budget = used.Values.Max() + (used.Values.Min() * 4 / 10);
        dispatcherOptions.Value.TenantEgressBudgetBytes = budget;
        cloud.Truth.ResetRequestLog();
        using var full = await PostAsync(http, cloud, "run", new { endpoints = FullEndpoints, full = true });
        var runId = full.RootElement.GetProperty("run_id").GetString()!;
        Assert.Equal("partial", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));

        // Within each organisation's budget, counted from the simulator's log.
        foreach (var tenant in tenants)
        {
            var received = cloud.Truth.Requests.Where(r => r.TenantId == tenant).Sum(r => r.BytesSent);
            Assert.True(received <= budget - used[tenant], $"{tenant}: the full sync received {received:N0} bytes; {budget - used[tenant]:N0} were left of the {budget:N0}-byte budget");
        }

        // What did not fit is named in GET /runs/{id} with the budget, never asked of Xero, and left partial (deferred).
        using var status = await cloud.GetRunAsync(runId, Token);
        var deferred = status.RootElement.GetProperty("egress_deferred").EnumerateArray()
            .Select(d => (Tenant: d.GetProperty("tenant_id").GetString()!, Endpoint: d.GetProperty("endpoint").GetString()!, Note: d.GetProperty("note").GetString()!))
            .ToList();
        Assert.NotEmpty(deferred);
        Assert.All(deferred, d => Assert.StartsWith($"monthly egress budget of {Megabytes(budget)} MB for tenant {d.Tenant} would be exceeded (used {Megabytes(used[d.Tenant])} MB", d.Note, StringComparison.Ordinal));
        Assert.All(deferred, d => Assert.DoesNotContain(cloud.Truth.Requests, r => r.TenantId == d.Tenant && r.Endpoint == d.Endpoint));
        var endpoints = status.RootElement.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.All(deferred, d => Assert.Contains(endpoints, e => e.GetProperty("tenant_id").GetString() == d.Tenant && e.GetProperty("endpoint").GetString() == d.Endpoint && e.GetProperty("deferred").GetInt32() == 1));
        Assert.True(FullEndpoints.Length * tenants.Count > deferred.Count, "every endpoint was deferred; the test wants some read within the budget");

        // The budget lifted, the next full sync reads everything: complete, and the warehouse equals the simulator's records.
        dispatcherOptions.Value.TenantEgressBudgetBytes = null;
        using var again = await PostAsync(http, cloud, "run", new { endpoints = FullEndpoints, full = true });
        Assert.Equal("complete", await cloud.WaitForStateAsync(again.RootElement.GetProperty("run_id").GetString()!, RunTimeout, Token, "complete", "partial"));
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, only: FullEndpoints);
    }

    private static async Task<JsonDocument> PostAsync(HttpClient http, CloudEnvironment cloud, string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(cloud.DispatcherUri, path), content, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"POST /{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>Megabytes of 1,000,000 bytes, up to three decimals, as README documents the budget's notes.</summary>
    private static string Megabytes(long bytes) => (bytes / 1_000_000m).ToString("0.###", CultureInfo.InvariantCulture);
}
