using System.Text.Json.Serialization;

namespace XeroSync.Cli;

/// <summary>One (organisation, endpoint) of a run in <c>status RUN_ID --format json</c>.</summary>
public sealed record EndpointStatusJson(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("calls")] int Calls,
    [property: JsonPropertyName("bytes_received")] long BytesReceived,
    [property: JsonPropertyName("bytes_decoded")] long BytesDecoded);
