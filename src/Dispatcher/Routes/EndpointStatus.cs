using System.Text.Json.Serialization;
using XeroSync.Ledger;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// One (tenant, endpoint) of <c>GET /runs/{runId}</c>. <c>reread_calls</c> are the calls spent re-reading records that
/// moved while the endpoint was read (included in <c>calls</c>), <c>passes</c> how often it was read; <c>verification</c>
/// (paged and page-only endpoints: pending, verified, failed) says whether the ids read account for what Xero holds,
/// and <c>verification_note</c> the counts or why not.
/// </summary>
public sealed record EndpointStatus(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_page")] int? LastPage,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("pending")] int Pending,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("deferred")] int Deferred,
    [property: JsonPropertyName("not_entitled")] int NotEntitled,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("calls")] int Calls,
    [property: JsonPropertyName("throttles")] int Throttles,
    [property: JsonPropertyName("manifests_claimed")] int ManifestsClaimed,
    [property: JsonPropertyName("manifests_loaded")] int ManifestsLoaded,
    [property: JsonPropertyName("manifests_failed")] int ManifestsFailed,
    [property: JsonPropertyName("reread_calls")] int RereadCalls = 0,
    [property: JsonPropertyName("passes")] int Passes = 1,
    [property: JsonPropertyName("verification")] string? Verification = null,
    [property: JsonPropertyName("verification_note")] string? VerificationNote = null)
{
    /// <summary>Reconcile runs: distinct ids Xero returned (null until the sweep is recorded, and on syncs).</summary>
    [JsonPropertyName("swept")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Swept { get; init; }

    /// <summary>Reconcile runs: records found deleted in Xero and marked (deleted_at) in the latest views.</summary>
    [JsonPropertyName("deletes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Deletes { get; init; }

    public static EndpointStatus From(EndpointState p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(
            p.TenantId, p.Endpoint, p.Phase.ToString().ToLowerInvariant(), p.LastPage, p.Done, p.Pending, p.Failed, p.Deferred, p.NotEntitled, p.Records, p.Calls, p.Throttles, p.ManifestsClaimed, p.ManifestsLoaded, p.ManifestsFailed,
            p.RereadCalls,
            p.Pass + 1,
            p.VerificationRequired ? p.Verification.ToString().ToLowerInvariant() : null,
            p.VerificationNote)
        {
            Swept = p.Swept,
            Deletes = p.Deletes,
        };
    }
}
