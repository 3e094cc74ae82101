using System.Text.Json.Serialization;
using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// <c>GET /runs/{runId}</c>: the run and its state per tenant and endpoint. <c>state</c> is <c>complete</c> only when
/// every page of every endpoint is loaded; <c>partial</c> when everything has finished and something is missing.
/// </summary>
public sealed record RunStatusResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("full")] bool Full,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<EndpointStatus> Endpoints,
    [property: JsonPropertyName("calls")] int Calls = 0,
    [property: JsonPropertyName("reread_calls")] int RereadCalls = 0)
{
    /// <summary>Endpoints skipped per organisation, each with its reason (a missing scope is named).</summary>
    [JsonPropertyName("skipped")]
    public IReadOnlyList<SkipStatus> Skipped { get; init; } = [];

    /// <summary>
    /// Reconcile runs: each organisation's budget as its preparation set it (absent until then: the organisation's endpoints
    /// stay pending while it is prepared). Null on a sync.
    /// </summary>
    [JsonPropertyName("budgets")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReconcileBudgetResponse>? Budgets { get; init; }

    /// <summary>Reconciles and full syncs: the endpoints the monthly egress budget deferred, each with its note naming the budget. Null on an incremental sync.</summary>
    [JsonPropertyName("egress_deferred")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EgressDeferralStatus>? EgressDeferred { get; init; }

    /// <summary>Xero usage per organisation: calls and response bytes received (on the wire) and decoded, per UTC day too.</summary>
    [JsonPropertyName("tenants")]
    public IReadOnlyList<TenantUsageStatus> Tenants { get; init; } = [];

    /// <summary>Response bytes received from Xero over every organisation, as sent on the wire.</summary>
    [JsonPropertyName("bytes_received")]
    public long BytesReceived => Tenants.Sum(t => t.BytesReceived);

    /// <summary>The same responses' bytes after content decoding.</summary>
    [JsonPropertyName("bytes_decoded")]
    public long BytesDecoded => Tenants.Sum(t => t.BytesDecoded);

    public static RunStatusResponse From(RunState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new RunStatusResponse(
            state.Run.RunId,
            state.Run.StartedAt,
            state.Run.Full,
            state.Phase.ToString().ToLowerInvariant(),
            [.. state.Endpoints.Select(EndpointStatus.From)],
            state.Endpoints.Sum(e => e.Calls),
            state.Endpoints.Sum(e => e.RereadCalls))
        {
            Tenants = [.. TenantUsage.Of(state.Endpoints).Select(TenantUsageStatus.From)],
        };
    }
}
