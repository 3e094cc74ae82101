using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>
/// What one organisation's reconcile may download from Xero under the monthly egress budget, as the Dispatcher set it when it
/// opened the reconcile (part of its <see cref="ReconcilePreparation"/>), with the measure its estimates use. The budget that
/// binds is named: the organisation's own (<c>XEROSYNC_TENANT_EGRESS_BUDGET_MB</c>) or the app's, shared by every
/// organisation (<c>XEROSYNC_EGRESS_BUDGET_MB</c>), whichever leaves less.
/// </summary>
public sealed record EgressAllowance
{
    /// <summary>True when the app-wide budget binds (its remainder shared equally by the reconcile's organisations).</summary>
    [JsonPropertyName("app_wide")]
    public bool AppWide { get; init; }

    /// <summary>The binding budget, bytes received a calendar month (UTC).</summary>
    [JsonPropertyName("budget_bytes")]
    public long BudgetBytes { get; init; }

    /// <summary>Bytes received this month under that budget before the reconcile (the organisation's, or every organisation's).</summary>
    [JsonPropertyName("used_bytes")]
    public long UsedBytes { get; init; }

    /// <summary>Bytes the organisation's reads in this reconcile may receive (0 once the budget is spent).</summary>
    [JsonPropertyName("allowance_bytes")]
    public long AllowanceBytes { get; init; }

    /// <summary>Per endpoint name: bytes received per record read, measured by the organisation's earlier reads in the ledger.</summary>
    [JsonPropertyName("bytes_per_record")]
    public IReadOnlyDictionary<string, double> BytesPerRecord { get; init; } = new Dictionary<string, double>();

    /// <summary>Null when valid; otherwise a reason safe to log (it never echoes the bad value).</summary>
    public static string? Validate(EgressAllowance allowance)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        if (allowance.BudgetBytes < 0 || allowance.UsedBytes < 0 || allowance.AllowanceBytes < 0)
        {
            return "egress budget figures must not be negative";
        }

        return allowance.BytesPerRecord is null || allowance.BytesPerRecord.Any(p => p.Key is null || p.Key.Length > 64 || !double.IsFinite(p.Value) || p.Value < 0)
            ? "egress bytes_per_record must map endpoint names to finite, non-negative numbers"
            : null;
    }
}
