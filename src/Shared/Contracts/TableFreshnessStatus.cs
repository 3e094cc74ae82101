using System.Text.Json.Serialization;
using XeroSync.Ledger;

namespace XeroSync.Contracts;

/// <summary>
/// One (organisation, endpoint) of the Dispatcher's <c>GET /freshness</c> and of <c>status --format json</c>'s <c>freshness</c>: the latest change a webhook reported (event time), when the
/// most recent batch of changes landed (its load committed), the latest event time among landed changes, that batch's
/// event-to-landed latency (from its earliest event), and <c>behind</c> when a reported change has not landed yet.
/// </summary>
public sealed record TableFreshnessStatus(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("last_change_seen")] DateTimeOffset? LastChangeSeen,
    [property: JsonPropertyName("last_landed")] DateTimeOffset? LastLanded,
    [property: JsonPropertyName("last_change_landed")] DateTimeOffset? LastChangeLanded,
    [property: JsonPropertyName("latency_seconds")] double? LatencySeconds,
    [property: JsonPropertyName("behind")] bool Behind,
    [property: JsonPropertyName("last_run_id")] string? LastRunId)
{
    public static TableFreshnessStatus From(TableFreshness f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.TenantId, f.Endpoint, f.LastChangeSeen, f.LastLanded, f.LastChangeLanded, f.Latency?.TotalSeconds, f.Behind, f.LastRunId);
    }
}
