using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>A run the Dispatcher opened and published.</summary>
public sealed record StartedRun(RunInfo Run, IReadOnlyList<XeroConnection> Tenants, IReadOnlyList<XeroEndpoint> Endpoints, int Messages)
{
    /// <summary>A full sync under a monthly egress budget: every (tenant, endpoint) as planned, the deferred ones with the note naming the budget; empty otherwise.</summary>
    public IReadOnlyList<ReconcileEndpointPlan> EgressPlans { get; init; } = [];
}
