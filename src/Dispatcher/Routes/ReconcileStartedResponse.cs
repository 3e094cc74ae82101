using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary><c>POST /reconcile</c> (or <c>POST /run</c> with <c>"reconcile": true</c>): the run opened, each tenant's budget, and what was deferred.</summary>
public sealed record ReconcileStartedResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("budgets")] IReadOnlyList<ReconcileBudgetResponse> Budgets,
    [property: JsonPropertyName("sweep_only")] IReadOnlyList<string> SweepOnly,
    [property: JsonPropertyName("deferred")] IReadOnlyList<string> Deferred);
