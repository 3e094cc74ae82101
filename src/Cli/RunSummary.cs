using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary>A run's state rolled up per endpoint and per tenant, for the live view and the summary.</summary>
public sealed record RunSummary(RunState State)
{
    private static readonly IReadOnlyDictionary<(string TenantId, string Endpoint), long> NoRereads = new Dictionary<(string TenantId, string Endpoint), long>();

    public IReadOnlyList<EndpointState> Rows => State.Endpoints;

    /// <summary>
    /// Per (tenant, endpoint) that was read again: the records its earlier passes read (pages before the last pass's
    /// first page), which the last pass read again. They are counted apart from <see cref="Records"/>.
    /// </summary>
    public IReadOnlyDictionary<(string TenantId, string Endpoint), long> Reread { get; init; } = NoRereads;

    /// <summary>The run's summary with <see cref="Reread"/> counted from the ledger's pages of every re-read endpoint.</summary>
    public static async Task<RunSummary> ReadAsync(IRunLedger ledger, RunState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(state);
        var reread = new Dictionary<(string TenantId, string Endpoint), long>();
        foreach (var row in state.Endpoints.Where(r => r.Pass > 0))
        {
            var pages = await ledger.GetAllPagesAsync(row.Key, cancellationToken);
            reread[(row.TenantId, row.Endpoint)] = pages.Where(p => p.Page < row.PassFirstPage && p.Status == PageStatus.Done).Sum(p => (long)p.Records);
        }

        return new RunSummary(state) { Reread = reread };
    }

    /// <summary>Records an earlier pass read that a re-read read again (not in <see cref="Records"/>).</summary>
    public long RereadRecords => Reread.Values.Sum();

    /// <summary>The records of <paramref name="row"/> read by earlier passes (0 when it was read once).</summary>
    public long RereadRecordsOf(EndpointState row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Reread.TryGetValue((row.TenantId, row.Endpoint), out var records) ? records : 0;
    }

    public RunPhase Phase => State.Phase;

    /// <summary>Xero calls and response bytes per organisation (and UTC day), every call of the run included.</summary>
    public IReadOnlyList<TenantUsage> Usage => TenantUsage.Of(Rows);

    public int Calls => Rows.Sum(r => r.Calls);

    public int Throttles => Rows.Sum(r => r.Throttles);

    /// <summary>Calls spent re-reading records that moved while their endpoint was read (included in <see cref="Calls"/>).</summary>
    public int RereadCalls => Rows.Sum(r => r.RereadCalls);

    /// <summary>(tenant, endpoint, note) for every endpoint that was re-read or whose reads could not be verified.</summary>
    public IEnumerable<(string TenantId, string Endpoint, string Note)> VerificationNotes() =>
        Rows.Where(r => r.VerificationNote is not null && (r.Pass > 0 || r.Verification == VerificationOutcome.Failed))
            .Select(r => (r.TenantId, r.Endpoint, r.VerificationNote!));

    /// <summary>The records the run read, each once: re-read records (<see cref="RereadRecords"/>) apart.</summary>
    public long Records => Rows.Sum(r => r.Records) - RereadRecords;

    public int PagesDone => Rows.Sum(r => r.Done);

    public int Complete => Rows.Count(r => r.IsComplete);

    /// <summary>One phrase per (tenant, endpoint): what a finance-data team needs to know first.</summary>
    public static string Status(EndpointState row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Phase switch
        {
            EndpointPhase.Skipped => "skipped (not entitled or retired)",
            EndpointPhase.Complete => "ok",
            EndpointPhase.Partial when row.ManifestsFailed > 0 => "load failed",
            EndpointPhase.Partial when row.Failed > 0 => "failed pages",
            EndpointPhase.Partial when row.Deferred > 0 => "deferred (daily limit or reconcile budget)",
            EndpointPhase.Partial when row.Verification == VerificationOutcome.Failed => "not verified (records moved)",
            EndpointPhase.Partial => "partial",
            EndpointPhase.Loading when row.AwaitsVerification => "verifying",
            EndpointPhase.Loading => "loading",
            _ => "running",
        };
    }

    /// <summary>How bad a status is, for picking the worst of several.</summary>
    public static int Severity(string status) => status switch
    {
        "ok" => 0,
        "skipped (not entitled or retired)" => 1,
        "loading" or "verifying" => 2,
        "running" => 3,
        "deferred (daily limit or reconcile budget)" => 4,
        _ => 5,
    };

    /// <summary>Per endpoint: the combined state (its <c>Records</c> every read), the re-read records among them, the worst status.</summary>
    public IEnumerable<(string Name, EndpointState Total, long Reread, string Status)> ByEndpoint() => Group(r => r.Endpoint, (name, first) => first with { TenantId = "*", Endpoint = name });

    public IEnumerable<(string Name, EndpointState Total, long Reread, string Status)> ByTenant() => Group(r => r.TenantId, (name, first) => first with { TenantId = name, Endpoint = "*" });

    private IEnumerable<(string Name, EndpointState Total, long Reread, string Status)> Group(Func<EndpointState, string> by, Func<string, EndpointState, EndpointState> name) =>
        Rows.GroupBy(by, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Combine(name(g.Key, g.First()), [.. g]), g.Sum(RereadRecordsOf), g.Select(Status).OrderBy(Severity).Last()));

    private static EndpointState Combine(EndpointState first, List<EndpointState> rows) =>
        first with
        {
            LastPage = rows.All(r => r.LastPage is not null) ? rows.Sum(r => r.LastPage!.Value) : null,
            Pending = rows.Sum(r => r.Pending),
            Done = rows.Sum(r => r.Done),
            Failed = rows.Sum(r => r.Failed),
            Deferred = rows.Sum(r => r.Deferred),
            NotEntitled = rows.Sum(r => r.NotEntitled),
            Records = rows.Sum(r => r.Records),
            Unlisted = rows.Sum(r => r.Unlisted),
            ManifestsClaimed = rows.Sum(r => r.ManifestsClaimed),
            ManifestsLoaded = rows.Sum(r => r.ManifestsLoaded),
            ManifestsFailed = rows.Sum(r => r.ManifestsFailed),
            Calls = rows.Sum(r => r.Calls),
            Throttles = rows.Sum(r => r.Throttles),
            RereadCalls = rows.Sum(r => r.RereadCalls),
            Pass = rows.Max(r => r.Pass),
            Swept = rows.Any(r => r.Swept is not null) ? rows.Sum(r => r.Swept ?? 0) : null,
            Deletes = rows.Any(r => r.Deletes is not null) ? rows.Sum(r => r.Deletes ?? 0) : null,
        };
}
