using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// One organisation's share of a reconcile to prepare (probe Xero's remaining day budget, estimate each endpoint from the
/// warehouse, defer what does not fit, publish the fetches): the data of a Pub/Sub message on the fetch topic, told apart
/// from a <see cref="FetchRequest"/> by the attribute <see cref="KindAttribute"/> = <see cref="Kind"/>. UTF-8 JSON with a
/// schema version; deterministic, so redelivery and republishing are harmless.
/// </summary>
public sealed record ReconcilePreparation
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The message attribute naming a message's kind; a fetch request carries none.</summary>
    public const string KindAttribute = "kind";

    /// <summary>The value of <see cref="KindAttribute"/> on a reconcile preparation.</summary>
    public const string Kind = "reconcile_preparation";

    [JsonPropertyName("v")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    /// <summary>The caller's cap on the organisation's calls (the probe included), if any: 0 to 5,000.</summary>
    [JsonPropertyName("call_budget")]
    public int? CallBudget { get; init; }

    /// <summary>What the organisation's reads may download under the monthly egress budget; null when no budget is set.</summary>
    [JsonPropertyName("egress")]
    public EgressAllowance? Egress { get; init; }

    /// <summary>Whether a Pub/Sub message with these attributes is a reconcile preparation.</summary>
    public static bool IsOne(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return attributes.TryGetValue(KindAttribute, out var kind) && string.Equals(kind, Kind, StringComparison.Ordinal);
    }

    /// <summary>Null when valid; otherwise a reason safe to log (it never echoes the bad value).</summary>
    public static string? Validate(ReconcilePreparation? preparation)
    {
        if (preparation is null)
        {
            return "empty message";
        }

        if (preparation.SchemaVersion != CurrentSchemaVersion)
        {
            return "unsupported ReconcilePreparation schema version";
        }

        if (!Identifiers.IsValidRunId(preparation.RunId))
        {
            return "invalid run id";
        }

        if (!Identifiers.IsValidTenantId(preparation.TenantId))
        {
            return "invalid tenant id";
        }

        if (preparation.Egress is { } egress && EgressAllowance.Validate(egress) is { } problem)
        {
            return problem;
        }

        return preparation.CallBudget is < 0 or > 5000 ? "call_budget must be from 0 to 5000" : null;
    }
}
