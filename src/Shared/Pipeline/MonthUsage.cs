using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// What <see cref="EgressBudget"/> reads from the ledger: bytes received per organisation since the first day of the month,
/// and bytes received per record read, per organisation and endpoint, over every read of records (not an ID sweep, whose
/// summary records are lighter, nor a read by id).
/// </summary>
internal sealed class MonthUsage
{
    private readonly Dictionary<(string Tenant, string Endpoint), (long Bytes, long Records)> _reads = [];

    public Dictionary<string, long> Used { get; } = new(StringComparer.Ordinal);

    public void Add(RunInfo run, EndpointState endpoint, DateOnly monthStart)
    {
        var thisMonth = endpoint.Usage.Days.Where(d => d.Day >= monthStart).Sum(d => d.BytesReceived);
        if (thisMonth > 0)
        {
            Used[endpoint.TenantId] = Used.GetValueOrDefault(endpoint.TenantId) + thisMonth;
        }

        if (endpoint.Records > 0 && !run.Targeted && run.Reconcile?.IsSweepOnly(endpoint.Endpoint) != true)
        {
            var key = (endpoint.TenantId, endpoint.Endpoint);
            var (bytes, records) = _reads.GetValueOrDefault(key);
            _reads[key] = (bytes + endpoint.Usage.Days.Sum(d => d.BytesReceived), records + endpoint.Records);
        }
    }

    /// <summary>
    /// Per endpoint of the catalog: the organisation's measured bytes per record there; for an endpoint it never read records
    /// of, its measure over all its endpoints, else every organisation's. Endpoints with no measure at all are left out.
    /// </summary>
    public IReadOnlyDictionary<string, double> BytesPerRecord(string tenantId)
    {
        static double? Ratio(IEnumerable<(long Bytes, long Records)> reads)
        {
            var (bytes, records) = reads.Aggregate((0L, 0L), (sum, r) => (sum.Item1 + r.Bytes, sum.Item2 + r.Records));
            return records > 0 ? (double)bytes / records : null;
        }

        var tenantWide = Ratio(_reads.Where(r => r.Key.Tenant == tenantId).Select(r => r.Value));
        var appWide = Ratio(_reads.Values);
        var measured = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var endpoint in EndpointCatalog.All)
        {
            var own = _reads.TryGetValue((tenantId, endpoint.Name), out var read) ? Ratio([read]) : null;
            if ((own ?? tenantWide ?? appWide) is { } ratio)
            {
                measured[endpoint.Name] = ratio;
            }
        }

        return measured;
    }
}
