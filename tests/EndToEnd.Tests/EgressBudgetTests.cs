using System.Globalization;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// The monthly egress budget, local shape: a reconcile plans within it and defers what would exceed it with a note naming the
/// budget, and so does a full sync (next month it completes); an incremental sync over it still runs and is only reported; the
/// reconcile's probe is counted. Every byte figure
/// comes from the simulator's request log (what it sent, after gzip); the budget's wording (megabytes of 1,000,000 bytes,
/// three decimals) is the documented one (README, "Egress budget").
/// </summary>
public sealed class EgressBudgetTests
{
    private static readonly string[] Endpoints = ["Accounts", "Contacts", "Invoices", "Items", "Organisation", "Payments"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_reconcile_stays_within_the_organisations_egress_budget_and_defers_the_rest_naming_the_budget()
    {
        await using var demo = await StartAsync();
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest { Endpoints = Endpoints }, Token);
        }

        // Used this month: what the simulator sent the organisation in the first sync. The reconcile, a full refresh of the
        // same endpoints, needs about as much again; the budget leaves 40 % of that.
        var used = Sent(demo, tenant).Sum(r => r.BytesSent);
        var allowance = used * 4 / 10;
        var budget = used + allowance;
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        demo.Truth.ResetRequestLog();
        StartedReconcile started;
        IReadOnlyList<EndpointState> states;
        await using (var pipeline = demo.CreatePipeline(s => s with { Pipeline = new PipelineOptions { TenantEgressBudgetBytes = budget } }))
        {
            started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true, FullRefresh = true, Endpoints = Endpoints }, Token);
            states = await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token);
        }

        // Within the budget, counted from the simulator's log (the probe included).
        var sent = Sent(demo, tenant);
        var received = sent.Sum(r => r.BytesSent);
        Assert.True(received <= allowance, $"the reconcile received {received:N0} bytes; {allowance:N0} were left of the {budget:N0}-byte budget");

        // What did not fit is deferred, with the note naming the budget and what was used, and never asked of Xero.
        var deferred = started.Endpoints.Where(e => e.Deferred).ToList();
        Assert.NotEmpty(deferred);
        var note = $"monthly egress budget of {Megabytes(budget)} MB for tenant {tenant} would be exceeded (used {Megabytes(used)} MB";
        foreach (var plan in deferred)
        {
            Assert.StartsWith(note, plan.Note, StringComparison.Ordinal);
            var state = states.Single(s => s.Endpoint == plan.Endpoint);
            Assert.Equal((1, EndpointPhase.Partial), (state.Deferred, state.Phase));
            var page = (await ReadPagesAsync(demo, state.Key)).Single();
            Assert.Equal(plan.Note, page.Error);
            Assert.DoesNotContain(sent, r => r.Endpoint == plan.Endpoint && r.Endpoint != "Organisation");
        }

        // What fitted was read in full, and the run's usage (probe included) is what the simulator sent.
        var read = started.Endpoints.Where(e => !e.Deferred).ToList();
        Assert.NotEmpty(read);
        Assert.All(read, e => Assert.True(states.Single(s => s.Endpoint == e.Endpoint).IsComplete, $"{e.Endpoint} was admitted but did not complete"));
        var usage = TenantUsage.Of(states).Single();
        Assert.Equal((sent.Count, received), (usage.Calls, usage.BytesReceived));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_full_sync_stays_within_the_organisations_egress_budget_defers_the_rest_naming_it_and_next_month_completes_them()
    {
        await using var demo = await StartAsync();
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest { Endpoints = Endpoints }, Token);
        }

        // Used this month: what the simulator sent for the first sync. A full sync of the same endpoints needs about as much
        // again; the budget leaves 40 % of that.
        var used = Sent(demo, tenant).Sum(r => r.BytesSent);
        var allowance = used * 4 / 10;
        var budget = used + allowance;
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        demo.Truth.ResetRequestLog();
        var options = new PipelineOptions { TenantEgressBudgetBytes = budget };
        StartedRun started;
        RunState run;
        Dictionary<string, Watermark?> before = [], after = [];
        await using (var pipeline = demo.CreatePipeline(s => s with { Pipeline = options }))
        {
            foreach (var endpoint in Endpoints)
            {
                before[endpoint] = await pipeline.Watermarks.GetAsync(tenant, endpoint, Token);
            }

            started = await pipeline.SyncAsync(new RunRequest { Full = true, Endpoints = Endpoints }, Token);
            run = (await pipeline.Ledger.GetRunStateAsync(started.Run.RunId, Token))!;
            foreach (var endpoint in Endpoints)
            {
                after[endpoint] = await pipeline.Watermarks.GetAsync(tenant, endpoint, Token);
            }
        }

        // Within the budget, counted from the simulator's log.
        var sent = Sent(demo, tenant);
        var received = sent.Sum(r => r.BytesSent);
        Assert.True(received <= allowance, $"the full sync received {received:N0} bytes; {allowance:N0} were left of the {budget:N0}-byte budget");

        // What did not fit is deferred with the note naming the budget, never asked of Xero, and keeps its watermark; the run
        // says partial, not complete.
        var deferred = started.EgressPlans.Where(e => e.Deferred).Select(e => e.Endpoint).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(deferred);
        Assert.Equal(RunPhase.Partial, run.Phase);
        var note = $"monthly egress budget of {Megabytes(budget)} MB for tenant {tenant} would be exceeded (used {Megabytes(used)} MB";
        foreach (var endpoint in deferred)
        {
            var state = run.Endpoints.Single(s => s.Endpoint == endpoint);
            Assert.Equal((1, EndpointPhase.Partial), (state.Deferred, state.Phase));
            var page = (await ReadPagesAsync(demo, state.Key)).Single();
            Assert.StartsWith(note, page.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(sent, r => r.Endpoint == endpoint);
            Assert.Equal(before[endpoint], after[endpoint]);
        }

        // What fitted was read in full.
        var read = Endpoints.Except(deferred).ToList();
        Assert.NotEmpty(read);
        Assert.All(read, e => Assert.True(run.Endpoints.Single(s => s.Endpoint == e).IsComplete, $"{e} was admitted but did not complete"));
        Assert.All(read, e => Assert.Contains(sent, r => r.Endpoint == e));

        // Next month, under the same budget, the full sync fits: every endpoint completes and the warehouse equals the
        // simulator's records.
        demo.Clock.Advance(MonthStartAfter(demo.Clock.GetUtcNow()) - demo.Clock.GetUtcNow() + TimeSpan.FromHours(1));
        demo.Truth.ResetRequestLog();
        await using (var pipeline = demo.CreatePipeline(s => s with { Pipeline = options }))
        {
            var next = await pipeline.SyncAsync(new RunRequest { Full = true, Endpoints = Endpoints }, Token);
            Assert.DoesNotContain(next.EgressPlans, e => e.Deferred);
            Assert.Equal(RunPhase.Complete, (await pipeline.Ledger.GetRunStateAsync(next.Run.RunId, Token))!.Phase);
        }

        Assert.True(Sent(demo, tenant).Sum(r => r.BytesSent) <= budget, "next month's full sync went over the budget");
        demo.AssertViewsEqualTruth(only: Endpoints);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_incremental_sync_over_the_budget_runs_and_is_reported_and_a_reconcile_then_reads_nothing_but_its_probe()
    {
        await using var demo = await StartAsync(changesPerMinute: 10);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest { Endpoints = Endpoints }, Token);
        }

        var full = Sent(demo, tenant).Sum(r => r.BytesSent);
        var budget = full / 2;
        var options = new PipelineOptions { EgressBudgetBytes = budget, TenantEgressBudgetBytes = budget };
        demo.Clock.Advance(TimeSpan.FromMinutes(5));
        demo.Truth.ResetRequestLog();
        await using (var pipeline = demo.CreatePipeline(s => s with { Pipeline = options }))
        {
            // Over budget already: the incremental sync is not held back.
            var sync = await pipeline.SyncAsync(new RunRequest { Endpoints = Endpoints }, Token);
            var state = await pipeline.Ledger.GetRunStateAsync(sync.Run.RunId, Token);
            Assert.Equal(RunPhase.Complete, state!.Phase);
            var incremental = Sent(demo, tenant).Sum(r => r.BytesSent);
            Assert.True(incremental > 0, "the incremental sync made no call");

            // Only reported: both budgets, with this month's bytes as the simulator sent them.
            var month = Megabytes(full + incremental);
            Assert.Equal(
                [
                    $"monthly egress budget of {Megabytes(budget)} MB for all organisations exceeded: {month} MB received this month (reconciles and full syncs are deferred; incremental syncs still run)",
                    $"monthly egress budget of {Megabytes(budget)} MB for tenant {tenant} exceeded: {month} MB received this month (reconciles and full syncs are deferred; incremental syncs still run)",
                ],
                await pipeline.Egress.OverBudgetAsync([tenant], Token));
        }

        // The app-wide budget alone: a reconcile defers every endpoint, naming it, and asks Xero for nothing but its probe.
        demo.Truth.ResetRequestLog();
        await using (var pipeline = demo.CreatePipeline(s => s with { Pipeline = new PipelineOptions { EgressBudgetBytes = budget } }))
        {
            var started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true, Endpoints = Endpoints }, Token);
            Assert.All(started.Endpoints, e => Assert.StartsWith($"monthly egress budget of {Megabytes(budget)} MB for all organisations would be exceeded", e.Note, StringComparison.Ordinal));
            var probe = Assert.Single(Sent(demo, tenant));
            Assert.Equal("Organisation", probe.Endpoint);

            var usage = TenantUsage.Of(await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token)).Single();
            Assert.Equal((1L, probe.BytesSent), (usage.Calls, usage.BytesReceived));
        }
    }

    /// <summary>Midnight UTC on the first day of the calendar month after <paramref name="now"/>.</summary>
    private static DateTimeOffset MonthStartAfter(DateTimeOffset now) => new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);

    /// <summary>The simulator's log of the organisation's requests (an API call each) since the log was last reset.</summary>
    private static List<SimulatedRequest> Sent(LocalDemoEnvironment demo, string tenant) =>
        [.. demo.Truth.Requests.Where(r => r.TenantId == tenant)];

    /// <summary>Megabytes of 1,000,000 bytes, up to three decimals, as README documents the budget's notes.</summary>
    private static string Megabytes(long bytes) => (bytes / 1_000_000m).ToString("0.###", CultureInfo.InvariantCulture);

    private static async Task<IReadOnlyList<PageRecord>> ReadPagesAsync(LocalDemoEnvironment demo, EndpointKey key)
    {
        await using var pipeline = demo.CreatePipeline();
        return await pipeline.Ledger.GetAllPagesAsync(key, Token);
    }

    private static Task<LocalDemoEnvironment> StartAsync(int changesPerMinute = 0) =>
        LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            PerMinuteLimit = o.PerMinuteLimit,
            ChangesPerMinute = changesPerMinute,
            Scale = 0.2,
            CompressResponses = true,
        });
}
