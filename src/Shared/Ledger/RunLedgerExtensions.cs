namespace XeroSync.Ledger;

/// <summary>Reads that combine the ledger's own answers.</summary>
public static class RunLedgerExtensions
{
    /// <summary>A page ended without a Xero call of its own (the rest of a deferred range, a list that was never read).</summary>
    public static Task RecordPageEndedAsync(this IRunLedger ledger, EndpointKey key, int page, long? offset, PageStatus status, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.RecordPageEndedAsync(key, page, offset, status, reason, null, cancellationToken);
    }

    /// <summary>A run with the state of each of its (tenant, endpoint) records, or null when the ledger has no such run.</summary>
    public static async Task<RunState?> GetRunStateAsync(this IRunLedger ledger, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return await ledger.GetRunAsync(runId, cancellationToken) is { } run
            ? new RunState(run, await ledger.GetRunEndpointsAsync(runId, cancellationToken))
            : null;
    }

    /// <summary>
    /// The run as a fetch for <paramref name="tenantId"/> needs it: on a reconcile, the tenant's budget is the one its
    /// preparation recorded, and 0 (no call may be made) while none is recorded, so nothing is read for an organisation
    /// whose budget was never set. Null when the ledger has no such run.
    /// </summary>
    public static async Task<RunInfo?> GetRunForTenantAsync(this IRunLedger ledger, string runId, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var run = await ledger.GetRunAsync(runId, cancellationToken);
        if (run?.Reconcile is not { } plan || plan.BudgetFor(tenantId) is not null)
        {
            return run;
        }

        var budget = (await ledger.GetTenantPlanAsync(runId, tenantId, cancellationToken))?.Budget.Budget ?? 0;
        var budgets = new Dictionary<string, int>(plan.CallBudgets, StringComparer.Ordinal) { [tenantId] = budget };
        return run with { Reconcile = plan with { CallBudgets = budgets } };
    }
}
