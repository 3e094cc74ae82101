using XeroSync.Ledger;

namespace XeroSync.Dispatcher.Cli;

/// <summary>Ledger progress rolled up per endpoint and per tenant, for the live view and the summary.</summary>
public sealed record RunSummary(IReadOnlyList<EndpointProgress> Rows)
{
    public int Calls => Rows.Sum(r => r.Calls);

    public int Throttles => Rows.Sum(r => r.Throttles);

    public long Records => Rows.Sum(r => r.Records);

    public int PagesDone => Rows.Sum(r => r.Done);

    public int Complete => Rows.Count(r => r.IsComplete);

    public bool HasProblems => Rows.Any(r => r.Failed > 0 || r.Deferred > 0);

    public bool AllLoaded => Rows.All(r => r.IsComplete && r.ManifestsWritten > 0 && r.ManifestsLoaded >= r.ManifestsWritten);

    /// <summary>One word per (tenant, endpoint): what a finance-data team needs to know first.</summary>
    public static string Status(EndpointProgress row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row switch
        {
            { NotEntitled: > 0 } => "skipped (not entitled)",
            { Deferred: > 0 } when row.IsComplete => "deferred (daily limit)",
            { Failed: > 0 } when row.IsComplete => "failed pages",
            _ when !row.IsComplete => "running",
            _ when row.ManifestsLoaded < row.ManifestsWritten || row.ManifestsWritten == 0 => "loading",
            _ => "ok",
        };
    }

    public IEnumerable<EndpointProgress> ByEndpoint() =>
        Rows.GroupBy(r => r.Endpoint, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Combine(g.Key, "*", g.ToList()));

    public IEnumerable<EndpointProgress> ByTenant() =>
        Rows.GroupBy(r => r.TenantId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Combine("*", g.Key, g.ToList()));

    private static EndpointProgress Combine(string endpoint, string tenant, List<EndpointProgress> rows) =>
        new(
            rows[0].RunId,
            tenant,
            endpoint,
            rows.All(r => r.LastPage is not null) ? rows.Sum(r => r.LastPage!.Value) : null,
            rows.Sum(r => r.Done),
            rows.Sum(r => r.Failed),
            rows.Sum(r => r.Deferred),
            rows.Sum(r => r.NotEntitled),
            rows.Sum(r => r.Pending),
            rows.Sum(r => r.Records),
            rows.Sum(r => r.Calls),
            rows.Sum(r => r.Throttles),
            rows.Sum(r => r.ManifestsWritten),
            rows.Sum(r => r.ManifestsLoaded));
}
