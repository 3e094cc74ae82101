namespace XeroSync.Ledger;

/// <summary>
/// The run ledger: the one owner of every (run, tenant, endpoint) state record (SQLite locally, Firestore in
/// the cloud). It holds the page plan, each page's status and lease, the manifest lifecycle and the
/// watermark flag; <see cref="EndpointState"/> makes every decision from them. Callers (the run starter,
/// the fetch handler, the manifest writer and loader, the retrier) ask it and tell it what happened; none
/// infers state on its own. Every write is idempotent (delivery is at least once) and reads are per page or
/// per endpoint record, never whole-run scans on the fetch path.
/// </summary>
public interface IRunLedger
{
    /// <summary>
    /// Opens a run and each of its endpoints with page 1 pending (idempotent: a second call with the same run
    /// id changes nothing that exists).
    /// </summary>
    Task CreateRunAsync(RunInfo run, IReadOnlyList<EndpointOpening> endpoints, CancellationToken cancellationToken);

    Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The most recent runs, newest first.</summary>
    Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease of a page for <paramref name="owner"/> until <paramref name="lease"/> from now, unless the
    /// page is done, lies past the known last page, or another owner holds an unexpired lease. A page with no
    /// record yet (the next page of a chain) is created pending; a failed or deferred page becomes pending
    /// while it is held.
    /// </summary>
    Task<PageClaim> ClaimPageAsync(EndpointKey key, int page, long? offset, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease while <paramref name="owner"/> still holds it on a pending page; false once it does not.</summary>
    Task<bool> RenewPageAsync(EndpointKey key, int page, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives up a lease without an outcome (the delivery will be retried); does nothing if another owner holds it.</summary>
    Task ReleasePageAsync(EndpointKey key, int page, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Records a page as done and clears its lease; done is final, and the first record wins (the stored record
    /// is returned, which may be an earlier delivery's). Sets the endpoint's last page when <see cref="PageDone.LastPage"/>
    /// is given and none is known yet. Adds the page's <see cref="PageDone.Calls"/> to the endpoint's counters in the same
    /// write, whichever record wins. A store may claim the endpoint's manifest in the same write when this page alone settles
    /// it (its only page, nothing ended, nothing to verify): <see cref="ClaimManifestAsync"/> then hands that claim out as it
    /// does any claim not yet written, so the manifest writer that follows is the same either way.
    /// </summary>
    Task<PageRecord> RecordPageDoneAsync(PageDone page, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a page will not be read in this run: <see cref="PageStatus.Failed"/>, <see cref="PageStatus.Deferred"/>
    /// or <see cref="PageStatus.NotEntitled"/> (a page with no record yet is created). A done page is left alone.
    /// <paramref name="usage"/> (the calls and bytes the page spent before it ended) is added to the endpoint's usage of the
    /// day in the same write, whatever the page's record was.
    /// </summary>
    Task RecordPageEndedAsync(EndpointKey key, int page, long? offset, PageStatus status, string reason, Xero.XeroUsage? usage, CancellationToken cancellationToken);

    /// <summary>
    /// Adds calls and bytes spent for the endpoint outside its pages (a reconcile's probe of the organisation) to the endpoint's
    /// usage of the day (UTC); nothing else of the endpoint changes. The endpoint must be one the run opened.
    /// </summary>
    Task RecordUsageAsync(EndpointKey key, Xero.XeroUsage usage, CancellationToken cancellationToken);

    /// <summary>Creates the given pages as pending where they have no record yet (the plan's next pages); existing records are untouched.</summary>
    Task OpenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken);

    /// <summary>Makes failed, deferred and not-entitled pages pending again (a retry republishes them); done pages stay done.</summary>
    Task ReopenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken);

    /// <summary>The records of pages <paramref name="firstPage"/>..<paramref name="lastPage"/> that exist, in page order.</summary>
    Task<IReadOnlyList<PageRecord>> GetPagesAsync(EndpointKey key, int firstPage, int lastPage, CancellationToken cancellationToken);

    /// <summary>Every page record of the endpoint, in page order (retries and reports; not the fetch path).</summary>
    Task<IReadOnlyList<PageRecord>> GetAllPagesAsync(EndpointKey key, CancellationToken cancellationToken);

    /// <summary>
    /// What the endpoint's done pages read: distinct record ids over every pass, and records, distinct ids and the
    /// largest itemCount of the current pass. Reads the pages it names (1 to the last page), never a scan.
    /// </summary>
    Task<IdTally> TallyIdsAsync(EndpointKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the next read pass when the endpoint <see cref="EndpointState.AwaitsVerification"/> in pass
    /// <paramref name="pass"/>: the pass continues the page numbers after the last page (that page is created pending),
    /// and the last page becomes unknown until the new pass finds its end. Exactly one concurrent caller starts it and
    /// gets the pass's first page; every other call (or a pass that moved on) gets null.
    /// </summary>
    Task<int?> StartRereadAsync(EndpointKey key, int pass, CancellationToken cancellationToken);

    /// <summary>
    /// Records the verification of pass <paramref name="pass"/> (verified, or failed: the endpoint ends partial) with
    /// its note. Only a pending verification of that pass changes; the first outcome recorded wins.
    /// </summary>
    Task RecordVerificationAsync(EndpointKey key, int pass, VerificationOutcome outcome, string note, CancellationToken cancellationToken);

    /// <summary>The endpoint's state record (an empty one when the run never opened it).</summary>
    Task<EndpointState> GetEndpointAsync(EndpointKey key, CancellationToken cancellationToken);

    /// <summary>The state record of every (tenant, endpoint) of a run, ordered by tenant then endpoint.</summary>
    Task<IReadOnlyList<EndpointState>> GetRunEndpointsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// When the endpoint <see cref="EndpointState.NeedsManifest"/>: atomically assigns every unlisted done page to
    /// the next manifest and returns that claim (exactly one concurrent caller wins). Otherwise, if a claimed
    /// manifest is neither loaded nor failed, returns that claim again: its object may not exist (its writer crashed),
    /// and the manifest object's create-if-absent write, not a ledger record, is what says it was written. Otherwise null.
    /// </summary>
    Task<ManifestClaim?> ClaimManifestAsync(EndpointKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<ManifestRecord>> GetManifestsAsync(EndpointKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Records a manifest's load and its row count (idempotent; the first load recorded wins) and returns the endpoint's state
    /// after it. <paramref name="watermarkAdvanced"/>: the caller found that this load completes the endpoint
    /// (<see cref="EndpointState.WithManifestLoaded"/>) and has already advanced its watermark; the flag
    /// (<see cref="MarkWatermarkAdvancedAsync"/>) is recorded in the same write as the load. Nothing is written when the
    /// manifest was loaded or failed already.
    /// </summary>
    Task<EndpointState> MarkManifestLoadedAsync(EndpointKey key, int sequence, long rows, bool watermarkAdvanced, CancellationToken cancellationToken);

    /// <summary>Records that a manifest can never load (a failed job or a row mismatch): the endpoint is partial.</summary>
    Task MarkManifestFailedAsync(EndpointKey key, int sequence, string reason, CancellationToken cancellationToken);

    /// <summary>Records that the endpoint's watermark has been advanced to this run's (idempotent).</summary>
    Task MarkWatermarkAdvancedAsync(EndpointKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Reconcile runs: takes one Xero call from the tenant's budget in <paramref name="run"/>'s plan before the call is made;
    /// false once the budget is spent (the call must not be made). Always true when the run has no budget for the tenant.
    /// Calls taken are never given back, so concurrent callers together never take more than the budget. A tenant's
    /// budget comes from its recorded <see cref="TenantReconcilePlan"/>: callers pass the run as
    /// <see cref="RunLedgerExtensions.GetRunForTenantAsync"/> reads it.
    /// </summary>
    Task<bool> TryReserveCallAsync(RunInfo run, string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Reconcile runs: records the organisation's plan (its budget and every endpoint as planned) unless one is recorded
    /// already, and returns the recorded one: the first record wins, so concurrent or redelivered preparations apply the same plan.
    /// </summary>
    Task<TenantReconcilePlan> RecordTenantPlanAsync(string runId, TenantReconcilePlan plan, CancellationToken cancellationToken);

    /// <summary>Reconcile runs: the organisation's recorded plan, or null while its preparation has not recorded one.</summary>
    Task<TenantReconcilePlan?> GetTenantPlanAsync(string runId, string tenantId, CancellationToken cancellationToken);

    /// <summary>Reconcile runs: every organisation's recorded plan, ordered by tenant (reports; not the fetch path).</summary>
    Task<IReadOnlyList<TenantReconcilePlan>> GetTenantPlansAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Reconcile runs: the calls taken from the tenant's budget so far.</summary>
    Task<int> GetReservedCallsAsync(string runId, string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Reconcile runs: records what the endpoint's sweep found (distinct ids Xero returned, records marked deleted);
    /// the first record wins (a redelivered sweep finds the same object and changes nothing). Shown on <see cref="EndpointState"/>.
    /// </summary>
    Task RecordSweepAsync(EndpointKey key, long swept, long deletes, CancellationToken cancellationToken);
}
