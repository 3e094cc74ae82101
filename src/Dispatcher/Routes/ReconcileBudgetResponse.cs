using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary>One organisation's reconcile budget (<c>GET /runs/{id}</c> of a reconcile, once its preparation set it): what Xero said remains today, the reserve kept for incrementals, the cap asked for, the probe's calls, the calls the run may make, and why Xero refused the organisation (null unless it did).</summary>
public sealed record ReconcileBudgetResponse(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("day_remaining")] int? DayRemaining,
    [property: JsonPropertyName("reserve")] int Reserve,
    [property: JsonPropertyName("requested")] int? Requested,
    [property: JsonPropertyName("probe_calls")] int ProbeCalls,
    [property: JsonPropertyName("budget")] int Budget,
    [property: JsonPropertyName("refused")] string? Refused);
