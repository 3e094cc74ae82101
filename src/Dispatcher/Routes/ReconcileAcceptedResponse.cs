using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// <c>POST /reconcile</c> (or <c>POST /run</c> with <c>"reconcile": true</c>), answered 202: the run recorded, the organisations
/// whose preparation was published, the endpoints read as an id sweep, and where to follow it (<c>GET /runs/{run_id}</c>,
/// also the <c>Location</c> header), which shows each organisation's budget once its preparation has set it.
/// </summary>
public sealed record ReconcileAcceptedResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("status_url")] string StatusUrl,
    [property: JsonPropertyName("tenants")] IReadOnlyList<string> Tenants,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints,
    [property: JsonPropertyName("sweep_only")] IReadOnlyList<string> SweepOnly);
