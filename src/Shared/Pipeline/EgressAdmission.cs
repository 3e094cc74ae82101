using XeroSync.Contracts;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The one place a run's full reads are admitted under an organisation's egress allowance (<see cref="EgressBudget"/>): a
/// reconcile's and a full sync's alike. Each read is estimated (<see cref="EstimateBytes"/>: the records the warehouse holds x the
/// organisation's measured bytes per record there) and offered in the caller's order; it is admitted while its estimate fits what
/// is left, and counted against it, otherwise deferred with a note naming the budget. Without an allowance every read is admitted.
/// </summary>
/// <param name="tenantId">The organisation the reads are for.</param>
/// <param name="allowance">Its allowance; null when no egress budget is set.</param>
/// <param name="spent">Bytes the run already received for the organisation before its reads (a reconcile's probe).</param>
public sealed class EgressAdmission(string tenantId, EgressAllowance? allowance, long spent = 0)
{
    private long? _left = allowance?.AllowanceBytes - spent;

    /// <summary>
    /// Bytes a full read of <paramref name="records"/> records of <paramref name="endpoint"/> is expected to receive (at least one
    /// record's worth); null without an allowance or a measure for the endpoint.
    /// </summary>
    public long? EstimateBytes(XeroEndpoint endpoint, int records)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return allowance?.BytesPerRecord.TryGetValue(endpoint.Name, out var perRecord) == true
            ? (long)Math.Ceiling(Math.Max(1, records) * perRecord)
            : null;
    }

    /// <summary>
    /// Admits a read estimated at <paramref name="estimatedBytes"/> (counting it against what is left) and returns null, or returns
    /// why it is deferred (the budget named, what was used, what is left, what it needs). A read no earlier read has measured costs
    /// nothing known, so it fits while anything is left.
    /// </summary>
    public string? Admit(long? estimatedBytes)
    {
        if (_left is not { } remaining)
        {
            return null;
        }

        if (remaining > 0 && (estimatedBytes ?? 0) <= remaining)
        {
            _left = remaining - (estimatedBytes ?? 0);
            return null;
        }

        return EgressBudget.DeferredNote(tenantId, allowance!, estimatedBytes ?? 0);
    }
}
