namespace XeroSync.Ledger;

/// <summary>
/// The state record of (run, tenant, endpoint) as the ledger keeps it: the page plan (the real last page
/// once Xero told it), page counts by status, the manifest lifecycle and whether the watermark moved. Every
/// decision about the endpoint (is it settled, does it need a manifest, is it complete, may the watermark
/// advance) is made here, from these numbers, identically for every store.
/// </summary>
/// <param name="LastPage">The endpoint's last page once known (pageCount, a short page of a chain, 1 for a single call).</param>
/// <param name="Unlisted">Done pages that no manifest lists yet.</param>
/// <param name="MaxNextOffset">Journals: the highest JournalNumber read by a done page.</param>
/// <param name="Calls">Xero calls made for this endpoint, throttled ones included.</param>
/// <param name="Throttles">429 responses seen for this endpoint.</param>
/// <param name="Pass">The read pass: 0 for the first read, one more for each re-read of the endpoint.</param>
/// <param name="PassFirstPage">The ledger page the current pass starts at (re-reads continue the page numbers).</param>
/// <param name="VerificationRequired">Its pages carry record ids: it completes only once verified.</param>
/// <param name="VerificationNote">What the verification found (counts), or why it failed.</param>
/// <param name="RereadCalls">Xero calls spent re-reading what moved (included in <paramref name="Calls"/>).</param>
public sealed record EndpointState(
    string RunId,
    string TenantId,
    string Endpoint,
    int? LastPage,
    int Pending,
    int Done,
    int Failed,
    int Deferred,
    int NotEntitled,
    long Records,
    int Unlisted,
    int ManifestsClaimed,
    int ManifestsLoaded,
    int ManifestsFailed,
    long? MaxNextOffset,
    bool WatermarkAdvanced,
    int Calls,
    int Throttles,
    int Pass = 0,
    int PassFirstPage = 1,
    bool VerificationRequired = false,
    VerificationOutcome Verification = VerificationOutcome.Pending,
    string? VerificationNote = null,
    int RereadCalls = 0)
{
    public EndpointKey Key => new(RunId, TenantId, Endpoint);

    /// <summary>Reconcile runs: the distinct ids Xero returned for the endpoint, once the sweep is recorded (null before, and on syncs).</summary>
    public long? Swept { get; init; }

    /// <summary>Reconcile runs: the records the sweep found deleted in Xero (tombstones loaded), once recorded.</summary>
    public long? Deletes { get; init; }

    /// <summary>
    /// Xero calls and response bytes spent on the endpoint per UTC day (every call, pages that ended unread included), as
    /// recorded with each page's outcome.
    /// </summary>
    public EndpointUsage Usage { get; init; } = EndpointUsage.None;

    /// <summary>Response bytes received from Xero for the endpoint, as sent on the wire.</summary>
    public long BytesReceived => Usage.Days.Sum(u => u.BytesReceived);

    /// <summary>The same responses' bytes after content decoding.</summary>
    public long BytesDecoded => Usage.Days.Sum(u => u.BytesDecoded);

    public int Pages => Pending + Done + Failed + Deferred + NotEntitled;

    /// <summary>
    /// No page is pending and the plan is exhausted: every page up to the known last page is done, failed,
    /// deferred or not entitled, or (last page unknown) discovery stopped at a page that was not read.
    /// </summary>
    public bool IsSettled => Pending == 0 &&
        (LastPage is int last ? Done + Failed + Deferred + NotEntitled >= last : Failed + Deferred + NotEntitled > 0);

    /// <summary>
    /// Every page read, none failed, and the reads are still to be checked against what Xero says it holds (a re-read
    /// may follow): no manifest until that is decided. An endpoint with failed or deferred pages is partial anyway and
    /// is checked once a retry has read them.
    /// </summary>
    public bool AwaitsVerification => VerificationRequired && Verification == VerificationOutcome.Pending && IsSettled && Failed + Deferred + NotEntitled == 0;

    /// <summary>Settled with done pages no manifest lists (or no manifest at all yet), and verified where required: a manifest is due.</summary>
    public bool NeedsManifest => IsSettled && !AwaitsVerification && (Unlisted > 0 || ManifestsClaimed == 0);

    /// <summary>
    /// Its one page is done and settles it, nothing ended unread, nothing to verify, no manifest yet: the manifest listing that
    /// page is claimed in the same write that records the page (<see cref="IRunLedger.RecordPageDoneAsync"/>), one write instead
    /// of two. Asked of the state that write makes.
    /// </summary>
    public bool ClaimsManifestWithItsPage => NeedsManifest && Done == 1 && Pages == 1 && ManifestsClaimed == 0 && !VerificationRequired && !HasGaps;

    /// <summary>Nothing more happens without a retry: settled, verified, every done page listed, every manifest loaded or failed.</summary>
    public bool IsFinished => IsSettled && !AwaitsVerification && Unlisted == 0 && ManifestsClaimed > 0 && ManifestsLoaded + ManifestsFailed == ManifestsClaimed;

    /// <summary>A claimed manifest is neither loaded nor failed: its object is to exist, and its load is awaited.</summary>
    public bool HasUnloadedManifests => ManifestsClaimed > ManifestsLoaded + ManifestsFailed;

    /// <summary>The tenant may not read this endpoint at all (refused on its first page).</summary>
    public bool IsSkipped => NotEntitled > 0 && Done == 0 && Failed + Deferred == 0;

    /// <summary>Something the run should have read is not in the warehouse.</summary>
    public bool HasGaps => Failed + Deferred > 0 || ManifestsFailed > 0 || (NotEntitled > 0 && !IsSkipped) || Verification == VerificationOutcome.Failed;

    /// <summary>Every page read and loaded (or the endpoint skipped as not entitled).</summary>
    public bool IsComplete => IsFinished && !HasGaps;

    /// <summary>Complete and read (not skipped): the endpoint's watermark may advance to this run's.</summary>
    public bool MayAdvanceWatermark => IsComplete && !IsSkipped && !WatermarkAdvanced;

    /// <summary>
    /// The state once a manifest now in <paramref name="from"/> is recorded loaded (a load moves a claimed manifest; a loaded
    /// or failed one stays as it is). Asked by the loader before it records the load, so that a load that completes the
    /// endpoint advances its watermark first and records both in one write.
    /// </summary>
    public EndpointState WithManifestLoaded(ManifestState from) => from.AwaitsLoad()
        ? this with { ManifestsLoaded = ManifestsLoaded + 1 }
        : this;

    public EndpointPhase Phase => this switch
    {
        { IsComplete: true, IsSkipped: true } => EndpointPhase.Skipped,
        { IsComplete: true } => EndpointPhase.Complete,
        { IsFinished: true } => EndpointPhase.Partial,
        { IsSettled: true } => EndpointPhase.Loading,
        _ => EndpointPhase.Running,
    };
}
