namespace XeroSync.Ledger;

/// <summary>One (tenant, endpoint) of a reconcile as planned: how it is read, what it was estimated to cost, and whether it fit.</summary>
/// <param name="SweepOnly">Read as an ID sweep (<c>summaryOnly</c>); otherwise a full refresh.</param>
/// <param name="EstimatedCalls">Calls the plan expects: the pages for the records the warehouse holds (1 for an unpaged endpoint).</param>
/// <param name="Deferred">Did not fit the tenant's budget: opened in the ledger as deferred, not read.</param>
/// <param name="EstimatedBytes">Bytes the plan expects the read to receive (records x the measured bytes per record), when an egress budget is set.</param>
/// <param name="Note">Why it was deferred when the egress budget deferred it (the budget named); null otherwise.</param>
public sealed record ReconcileEndpointPlan(string TenantId, string Endpoint, bool SweepOnly, int EstimatedCalls, bool Deferred, long? EstimatedBytes = null, string? Note = null);
