using System.Text.Json.Serialization;

namespace XeroSync.Xero;

/// <summary>One entry of <c>GET /connections</c>: an organisation (tenant) this app may read.</summary>
public sealed record XeroConnection(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("tenantType")] string? TenantType,
    [property: JsonPropertyName("tenantName")] string? TenantName);
