using System.Text.Json.Serialization;

namespace XeroSync.Pipeline;

/// <summary>
/// What a run should cover (the optional body of <c>POST /run</c>, and the CLI's sync options). An unknown property
/// is an error: a misspelt <c>"tenant"</c> must not start a run of every connected tenant.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunRequest
{
    /// <summary>Tenant ids to include; null or empty for every connected tenant.</summary>
    [JsonPropertyName("tenants")]
    public IReadOnlyList<string>? Tenants { get; init; }

    /// <summary>Xero endpoint names (case-insensitive); null or empty for the whole catalog.</summary>
    [JsonPropertyName("endpoints")]
    public IReadOnlyList<string>? Endpoints { get; init; }

    /// <summary>Ignore watermarks and read everything.</summary>
    [JsonPropertyName("full")]
    public bool Full { get; init; }

    /// <summary>
    /// A reconcile instead of a sync: an ID sweep and full refresh of every endpoint that fits each organisation's remaining
    /// day budget (less the reserve for incrementals); records Xero no longer returns are marked deleted.
    /// </summary>
    [JsonPropertyName("reconcile")]
    public bool Reconcile { get; init; }

    /// <summary>Reconcile only: at most this many Xero calls per organisation (the probe included); never exceeded.</summary>
    [JsonPropertyName("call_budget")]
    public int? CallBudget { get; init; }

    /// <summary>Reconcile only: read Invoices and Contacts in full now, whenever they were last refreshed.</summary>
    [JsonPropertyName("full_refresh")]
    public bool FullRefresh { get; init; }
}
