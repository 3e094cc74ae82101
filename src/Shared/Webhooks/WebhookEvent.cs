using System.Text.Json.Serialization;

namespace XeroSync.Webhooks;

/// <summary>One event of a Xero webhook payload, as sent (Xero-OpenAPI xero-webhooks.yaml); checked before use.</summary>
public sealed record WebhookEvent
{
    [JsonPropertyName("resourceUrl")]
    public string? ResourceUrl { get; init; }

    [JsonPropertyName("resourceId")]
    public string? ResourceId { get; init; }

    /// <summary>UTC without an offset, e.g. <c>2025-12-02T00:44:09.923</c>.</summary>
    [JsonPropertyName("eventDateUtc")]
    public string? EventDateUtc { get; init; }

    /// <summary><c>CREATE</c> or <c>UPDATE</c>.</summary>
    [JsonPropertyName("eventType")]
    public string? EventType { get; init; }

    [JsonPropertyName("eventCategory")]
    public string? EventCategory { get; init; }

    [JsonPropertyName("tenantId")]
    public string? TenantId { get; init; }

    /// <summary><c>ORGANISATION</c>, or <c>APPLICATION</c> for subscription events.</summary>
    [JsonPropertyName("tenantType")]
    public string? TenantType { get; init; }
}
