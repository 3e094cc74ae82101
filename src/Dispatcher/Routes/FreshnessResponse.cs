using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary><c>GET /freshness</c>: webhook freshness per (organisation, endpoint) a webhook has named.</summary>
public sealed record FreshnessResponse([property: JsonPropertyName("tables")] IReadOnlyList<TableFreshnessResponse> Tables);
