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
