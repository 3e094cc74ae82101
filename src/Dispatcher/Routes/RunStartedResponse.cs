using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

public sealed record RunStartedResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("tenants")] IReadOnlyList<string> Tenants,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints)
{
    /// <summary>The monthly egress budgets this month's usage has gone over (a sync still runs; a reconcile would defer what does not fit).</summary>
    [JsonPropertyName("egress_warnings")]
    public IReadOnlyList<string> EgressWarnings { get; init; } = [];
}
