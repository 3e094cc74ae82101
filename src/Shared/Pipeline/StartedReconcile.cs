using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>A reconcile the Dispatcher planned, opened and published: its budgets and every (tenant, endpoint) as planned.</summary>
public sealed record StartedReconcile(RunInfo Run, IReadOnlyList<ReconcileTenantBudget> Budgets, IReadOnlyList<ReconcileEndpointPlan> Endpoints, int Messages);
