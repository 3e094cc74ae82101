namespace XeroSync.Ledger;

/// <summary>
/// One organisation's part of a reconcile as its preparation decided it: the call budget (and how it was set) and every
/// endpoint with its estimate and whether it fit. Recorded once per (run, tenant) before anything is deferred or
/// published (the first record wins), so a redelivered preparation applies the same plan instead of planning again, and
/// the fetches of the tenant are held to this budget.
/// </summary>
public sealed record TenantReconcilePlan(ReconcileTenantBudget Budget, IReadOnlyList<ReconcileEndpointPlan> Endpoints)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string TenantId => Budget.TenantId;
}
