using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// One organisation's tie-out to make (Xero's Trial Balance and Balance Sheet at each date against the warehouse's journals,
/// the result kept in the warehouse): the data of a Pub/Sub message on the fetch topic, told apart from a
/// <see cref="FetchRequest"/> by the attribute <see cref="ReconcilePreparation.KindAttribute"/> = <see cref="Kind"/>. UTF-8
/// JSON with a schema version. A redelivery makes the check again: each check is kept with the time it was made, and the
/// latest check of a date is the one that counts.
/// </summary>
public sealed record TieOutRequest
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The value of <see cref="ReconcilePreparation.KindAttribute"/> on a tie-out request.</summary>
    public const string Kind = "tie_out";

    /// <summary>The most dates one request may name (two years of month ends: 48 calls to Xero).</summary>
    public const int MaxDates = 24;

    [JsonPropertyName("v")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    /// <summary>The organisation's name as the connection gives it (for the log only; may be absent).</summary>
    [JsonPropertyName("tenant_name")]
    public string? TenantName { get; init; }

    /// <summary>The dates to tie out at (<c>YYYY-MM-DD</c>), 1 to <see cref="MaxDates"/>, each once.</summary>
    [JsonPropertyName("dates")]
    public required IReadOnlyList<DateOnly> Dates { get; init; }

    /// <summary>Whether a Pub/Sub message with these attributes is a tie-out request.</summary>
    public static bool IsOne(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return attributes.TryGetValue(ReconcilePreparation.KindAttribute, out var kind) && string.Equals(kind, Kind, StringComparison.Ordinal);
    }

    /// <summary>Null when valid; otherwise a reason safe to log (it never echoes the bad value).</summary>
    public static string? Validate(TieOutRequest? request)
    {
        if (request is null)
        {
            return "empty message";
        }

        if (request.SchemaVersion != CurrentSchemaVersion)
        {
            return "unsupported TieOutRequest schema version";
        }

        if (!Identifiers.IsValidTenantId(request.TenantId))
        {
            return "invalid tenant id";
        }

        if (request.Dates is null || request.Dates.Count is 0 or > MaxDates)
        {
            return $"dates must name 1 to {MaxDates} dates";
        }

        return request.Dates.Distinct().Count() != request.Dates.Count ? "dates must not repeat" : null;
    }
}
