using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary>One (tenant, endpoint) of a reconcile or full sync that the monthly egress budget deferred (<c>GET /runs/{id}</c>), with the note naming the budget.</summary>
public sealed record EgressDeferralStatus(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("estimated_bytes")] long? EstimatedBytes,
    [property: JsonPropertyName("note")] string Note);
