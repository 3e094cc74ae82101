namespace XeroSync.Ledger;

/// <summary>
/// The run ledger: which pages of which run are done, failed or deferred. Embedded state locally,
/// Firestore in the cloud. Every write is idempotent: messages are delivered at least once.
/// </summary>
public interface IRunLedger
{
    /// <summary>Opens a run; a second call with the same run id is a no-op.</summary>
    Task CreateRunAsync(RunInfo run, CancellationToken cancellationToken);

    Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The most recent runs, newest first.</summary>
    Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records that pages <paramref name="firstPage"/>..<paramref name="lastPage"/> are published and pending
    /// (idempotent; a page already done stays done, a failed or deferred page becomes pending again).
    /// </summary>
    Task MarkPendingAsync(string runId, string tenantId, string endpoint, int firstPage, int lastPage, IReadOnlyDictionary<int, long>? offsets, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the endpoint's last page when it becomes known; keeps the smaller value if set twice
    /// (a short page ends an endpoint whatever the metadata says). Pending pages past it are dropped.
    /// </summary>
    Task SetLastPageAsync(string runId, string tenantId, string endpoint, int lastPage, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the endpoint's last page because a retry is about to re-read the page that ended it early
    /// (failed, deferred or not entitled before the page count was known); the re-read sets it again.
    /// </summary>
    Task ReopenAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Records a page's outcome. Done is final: a later failed outcome for a done page is ignored.</summary>
    Task RecordPageAsync(PageRecord page, CancellationToken cancellationToken);

    /// <summary>Adds to the endpoint's call and throttle counters (for progress and summaries).</summary>
    Task CountCallsAsync(string runId, string tenantId, string endpoint, int calls, int throttles, CancellationToken cancellationToken);

    Task<IReadOnlyList<PageRecord>> GetPagesAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken);

    Task<EndpointProgress> GetProgressAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Progress of every (tenant, endpoint) of a run.</summary>
    Task<IReadOnlyList<EndpointProgress>> GetRunProgressAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// If the endpoint is complete and has pages that no manifest has listed yet, atomically assigns them
    /// the next manifest sequence and returns the claim; otherwise null. Exactly one concurrent caller wins.
    /// </summary>
    Task<ManifestClaim?> TryClaimManifestAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Records that a manifest has been loaded into the warehouse (idempotent).</summary>
    Task MarkManifestLoadedAsync(string runId, string tenantId, string endpoint, int sequence, long rows, CancellationToken cancellationToken);
}
