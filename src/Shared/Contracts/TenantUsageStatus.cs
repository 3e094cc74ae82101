using System.Text.Json.Serialization;
using XeroSync.Ledger;

namespace XeroSync.Contracts;

/// <summary>
/// One organisation's Xero usage in a run as <c>GET /runs/{id}</c> and <c>status RUN_ID --format json</c> show it: calls
/// answered, response bytes received as Xero sent them (compressed where it compressed) and decoded, and the same per UTC day.
/// </summary>
public sealed record TenantUsageStatus(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("bytes_received")] long BytesReceived,
    [property: JsonPropertyName("bytes_decoded")] long BytesDecoded,
    [property: JsonPropertyName("days")] IReadOnlyList<DailyUsageStatus> Days)
{
    public static TenantUsageStatus From(TenantUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new TenantUsageStatus(usage.TenantId, usage.Calls, usage.BytesReceived, usage.BytesDecoded, [.. usage.Days.Select(DailyUsageStatus.From)]);
    }
}
