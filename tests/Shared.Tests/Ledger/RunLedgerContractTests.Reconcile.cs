using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>The reconcile part of the ledger contract: the plan kept with the run, the call budget handed out one call at a time, the sweep's counts.</summary>
public abstract partial class RunLedgerContractTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_reconcile_plan_is_kept_with_its_run_and_a_sync_has_none()
    {
        var plan = new ReconcilePlan(new Dictionary<string, int> { ["t1"] = 40, ["t2"] = 0 }, ["Invoices"]);
        await Ledger.CreateRunAsync(new RunInfo("r-rec", Time.GetUtcNow(), ["t1", "t2"], ["Invoices", "Items"], true) { Reconcile = plan }, [], Ct);
        await Ledger.CreateRunAsync(new RunInfo("r-sync", Time.GetUtcNow(), ["t1"], ["Items"], false), [], Ct);

        var stored = (await NewLedger().GetRunAsync("r-rec", Ct))!.Reconcile;
        Assert.NotNull(stored);
        Assert.Equal((40, 0, (int?)null), (stored.BudgetFor("t1")!.Value, stored.BudgetFor("t2")!.Value, stored.BudgetFor("t3")));
        Assert.True(stored.IsSweepOnly("Invoices"));
        Assert.False(stored.IsSweepOnly("Items"));
        Assert.Null((await Ledger.GetRunAsync("r-sync", Ct))!.Reconcile);
        Assert.Contains(await Ledger.ListRunsAsync(10, Ct), r => r.RunId == "r-rec" && r.Reconcile is not null);
    }

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_callers_together_never_take_more_calls_than_the_budget()
    {
        const int Budget = 7;
        var run = new RunInfo("r-budget", Time.GetUtcNow(), [Tenant, "t-zero"], [Endpoint], true)
        {
            Reconcile = new ReconcilePlan(new Dictionary<string, int> { [Tenant] = Budget, ["t-zero"] = 0 }, []),
        };
        await Ledger.CreateRunAsync(run, [], Ct);

        // Two processes' worth of callers, 20 attempts for 7 calls.
        var ledgers = new[] { Ledger, NewLedger() };
        var granted = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ledgers[i % 2].TryReserveCallAsync(run, Tenant, Ct)));
        Assert.Equal(Budget, granted.Count(g => g));
        Assert.False(await Ledger.TryReserveCallAsync(run, Tenant, Ct));
        Assert.Equal(Budget, await Ledger.GetReservedCallsAsync(run.RunId, Tenant, Ct));

        Assert.False(await Ledger.TryReserveCallAsync(run, "t-zero", Ct));
        Assert.Equal(0, await Ledger.GetReservedCallsAsync(run.RunId, "t-zero", Ct));

        // A tenant without a budget in the plan, and a sync, are not capped.
        Assert.True(await Ledger.TryReserveCallAsync(run, "t-other", Ct));
        Assert.True(await Ledger.TryReserveCallAsync(new RunInfo("r-sync2", Time.GetUtcNow(), [Tenant], [Endpoint], false), Tenant, Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_tenant_plan_is_recorded_once_and_holds_the_tenants_fetches_to_its_budget()
    {
        const int Budget = 3;
        var run = new RunInfo("r-prep", Time.GetUtcNow(), [Tenant, "t-late"], [Endpoint], true)
        {
            Reconcile = new ReconcilePlan(new Dictionary<string, int>(), []),
        };
        await Ledger.CreateRunAsync(run, [], Ct);
        ReconcileEndpointPlan[] endpoints = [new(Tenant, Endpoint, false, 2, false)];
        var first = new TenantReconcilePlan(new ReconcileTenantBudget(Tenant, 4000, 1500, 4, 1, Budget), endpoints);
        var second = new TenantReconcilePlan(new ReconcileTenantBudget(Tenant, 3999, 1500, 4, 1, 2, "refused"), [new(Tenant, Endpoint, false, 2, true)]);

        // Two processes' preparations of the same tenant at once: one plan is recorded, and both get that one.
        var recorded = await Task.WhenAll(Ledger.RecordTenantPlanAsync(run.RunId, first, Ct), NewLedger().RecordTenantPlanAsync(run.RunId, second, Ct));
        Assert.Equal(recorded[0].Budget, recorded[1].Budget);
        Assert.Equal(recorded[0].Endpoints, recorded[1].Endpoints);
        Assert.Equal(recorded[0].Budget, (await NewLedger().GetTenantPlanAsync(run.RunId, Tenant, Ct))!.Budget);
        Assert.Equal(recorded[0].Budget, (await Ledger.RecordTenantPlanAsync(run.RunId, recorded[0].Budget == first.Budget ? second : first, Ct)).Budget);
        Assert.Equal([Tenant], (await Ledger.GetTenantPlansAsync(run.RunId, Ct)).Select(p => p.TenantId));

        // The tenant's fetches take calls from its recorded budget; a tenant with no recorded plan may make none.
        var forTenant = (await Ledger.GetRunForTenantAsync(run.RunId, Tenant, Ct))!;
        var granted = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Ledger.TryReserveCallAsync(forTenant, Tenant, Ct)));
        Assert.Equal(recorded[0].Budget.Budget, granted.Count(g => g));
        var late = (await Ledger.GetRunForTenantAsync(run.RunId, "t-late", Ct))!;
        Assert.False(await Ledger.TryReserveCallAsync(late, "t-late", Ct));
        Assert.Null(await Ledger.GetTenantPlanAsync(run.RunId, "t-late", Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_sweep_is_recorded_once_on_the_endpoint_state()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Items", null, true));
        Assert.Null((await Ledger.GetEndpointAsync(Key("Items"), Ct)).Swept);

        await Ledger.RecordSweepAsync(Key("Items"), 120, 3, Ct);
        await NewLedger().RecordSweepAsync(Key("Items"), 999, 9, Ct);

        var state = await Ledger.GetEndpointAsync(Key("Items"), Ct);
        Assert.Equal((120L, 3L), (state.Swept, state.Deletes));
        var listed = Assert.Single(await Ledger.GetRunEndpointsAsync(Run, Ct));
        Assert.Equal((120L, 3L), (listed.Swept, listed.Deletes));
    }
}
