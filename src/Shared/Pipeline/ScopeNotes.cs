using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>
/// Why an endpoint was skipped, as the ledger recorded it on its first page: a scope the token does not grant, an
/// endpoint Xero retired, or a tier without access. Read for reports only (summary, status, GET /runs/{id}).
/// </summary>
public static class ScopeNotes
{
    private const string Prefix = "scope ";
    private const string Suffix = " not granted";

    /// <summary>The reason recorded for an endpoint skipped because the token does not grant <paramref name="scope"/>.</summary>
    public static string Skipped(string scope) => Prefix + scope + Suffix + ": connect again granting it (see README, Connecting to Xero)";

    /// <summary>The scope a recorded reason names, or null when the skip had another reason.</summary>
    public static string? ScopeOf(string? reason)
    {
        // A detail endpoint's reason quotes its list's: "the Budgets list was not read: scope ... not granted".
        var start = reason?.IndexOf(Prefix, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        start += Prefix.Length;
        var end = reason!.IndexOf(Suffix, start, StringComparison.Ordinal);
        return end > start && !reason.AsSpan(start, end - start).Contains(' ') ? reason[start..end] : null;
    }

    /// <summary>One note per skipped (tenant, endpoint) of the run, in the order of <paramref name="endpoints"/>.</summary>
    public static async Task<IReadOnlyList<SkipNote>> ReadAsync(IRunLedger ledger, IReadOnlyList<EndpointState> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(endpoints);
        var notes = new List<SkipNote>();
        foreach (var endpoint in endpoints.Where(e => e.IsSkipped))
        {
            var pages = await ledger.GetPagesAsync(endpoint.Key, endpoint.PassFirstPage, endpoint.PassFirstPage, cancellationToken);
            var reason = pages.FirstOrDefault(p => p.Status == PageStatus.NotEntitled)?.Error ?? "not entitled";
            notes.Add(new SkipNote(endpoint.TenantId, endpoint.Endpoint, reason, ScopeOf(reason)));
        }

        return notes;
    }
}
