using System.Text.Json.Serialization;

namespace XeroSync.Ledger;

/// <summary>
/// What makes a run a reconcile (issue 9): every endpoint in it is read in full, without If-Modified-Since; the
/// endpoints in <see cref="SweepOnly"/> are read with <c>summaryOnly=true</c> as an ID sweep (their pages are not
/// loaded as records); every other endpoint is a full refresh (its pages load like any run's). When an endpoint of
/// the run is complete, the ids Xero no longer returns are marked deleted. Each tenant's Xero calls for the run are
/// capped by <see cref="CallBudgets"/>: the ledger hands out one call at a time and never more than the budget.
/// </summary>
/// <param name="CallBudgets">Per tenant id: the Xero calls the run may make for that tenant (pages, retries and 429s alike).</param>
/// <param name="SweepOnly">Endpoint names read as an ID sweep (<c>summaryOnly</c>) rather than a full refresh.</param>
public sealed record ReconcilePlan(
    [property: JsonPropertyName("call_budgets")] IReadOnlyDictionary<string, int> CallBudgets,
    [property: JsonPropertyName("sweep_only")] IReadOnlyList<string> SweepOnly)
{
    /// <summary>Whether the endpoint is read as an ID sweep in this run (its pages are ids, not records to load).</summary>
    public bool IsSweepOnly(string endpoint) => SweepOnly.Contains(endpoint, StringComparer.OrdinalIgnoreCase);

    /// <summary>The tenant's call budget for the run; null when the plan sets none (no cap).</summary>
    public int? BudgetFor(string tenantId) => CallBudgets.TryGetValue(tenantId, out var budget) ? budget : null;
}
