using System.Text.Json.Serialization;
using XeroSync.Contracts;

namespace XeroSync.Dispatcher.Routes;

/// <summary><c>GET /freshness</c>: webhook freshness per (organisation, endpoint) a webhook has named.</summary>
public sealed record FreshnessResponse([property: JsonPropertyName("tables")] IReadOnlyList<TableFreshnessStatus> Tables);
