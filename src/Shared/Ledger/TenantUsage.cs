namespace XeroSync.Ledger;

/// <summary>
/// One organisation's Xero usage in a run: calls answered and response bytes received (on the wire) and decoded, in
/// total and per UTC day (<see cref="Days"/>).
/// </summary>
public sealed record TenantUsage(string TenantId, long Calls, long BytesReceived, long BytesDecoded, IReadOnlyList<DailyUsage> Days)
{
    /// <summary>Per organisation, from the usage its endpoints recorded with their pages; ordered by tenant id.</summary>
    public static IReadOnlyList<TenantUsage> Of(IEnumerable<EndpointState> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return [.. endpoints
            .GroupBy(e => e.TenantId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var days = g.SelectMany(e => e.Usage.Days)
                    .GroupBy(u => u.Day)
                    .OrderBy(d => d.Key)
                    .Select(d => new DailyUsage(d.Key, d.Sum(u => u.Calls), d.Sum(u => u.BytesReceived), d.Sum(u => u.BytesDecoded)))
                    .ToList();
                return new TenantUsage(g.Key, days.Sum(d => d.Calls), days.Sum(d => d.BytesReceived), days.Sum(d => d.BytesDecoded), days);
            })];
    }
}
