using System.Globalization;
using XeroSync.Google.Firestore;
using XeroSync.Xero;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IRunLedger"/> on Firestore, laid out so that the fetch path never scans an endpoint and never contends:
/// <list type="bullet">
/// <item><c>{prefix}runs/{run}</c>: the run (created if absent).</item>
/// <item><c>runs/{run}/endpoints/{tenant}~{endpoint}</c>: the endpoint's state record: the last page, page counts by
/// status, records, unlisted done pages, manifest counts by state, the highest next offset, calls, throttles and the
/// watermark flag. Page writes change it only with blind field transforms (increment, maximum, minimum), so they do
/// not contend with each other.</item>
/// <item><c>runs/{run}/pages/{tenant}~{endpoint}~{page:D5}</c>: one document per page with its status and lease (and,
/// once done on a verified endpoint, its record ids and the itemCount Xero reported with it). Page 1 of an endpoint
/// opened without an offset, and a range's pages opened together (once page 1 told the count), have none until they are
/// claimed or ended: the opening counts them pending and moves the endpoint's <c>openedThrough</c> in the same write, an
/// absent page at or below it stands for a pending one, and reads return a pending record for it.</item>
/// <item><c>runs/{run}/budgets/{tenant}</c>: a reconcile run's plan for the tenant (its budget, written once by its preparation)
/// and the calls taken from that budget (one blind increment per call).</item>
/// <item>Manifests live in their endpoint's document (the <c>manifests</c> map, keyed by sequence): each one's state, claim
/// time, records and the page numbers it lists (the one record of which manifest listed a page). A manifest's every
/// change is then one write of the endpoint document, and the page that settles a one-page endpoint claims its manifest
/// in the write that records it done.</item>
/// </list>
/// Every page status change is one commit of the page document (with an updateTime or must-not-exist precondition,
/// re-read and retried on a lost race) and the matching transforms of the endpoint document, so the counters can
/// never drift from the pages. A manifest claim commits the manifests map with the counters under a precondition
/// on the endpoint document's updateTime as read: any page change in between bumps it, so the claim's snapshot is
/// consistent and exactly one concurrent claimer assigns the pages. Identifiers are encoded with
/// <see cref="FirestoreDocumentId"/>.
/// </summary>
public sealed class FirestoreRunLedger : IRunLedger
{
    private const int MaxWritesPerCommit = 400;
    private const int MaxDocumentsPerRead = 300;
    private const int MaxOpeningsPerCommit = 150;
    private const int MaxAttempts = 50;

    /// <summary>A page range wider than this is read by one scan of the endpoint's pages instead of by name.</summary>
    private const int MaxRangeReadByName = 1000;

    private const string LastPageField = "lastPage";
    private const string RecordsField = "records";
    private const string UnlistedField = "unlisted";
    private const string MaxNextOffsetField = "maxNextOffset";
    private const string ManifestsClaimedField = "manifestsClaimed";
    private const string ManifestsLoadedField = "manifestsLoaded";
    private const string ManifestsFailedField = "manifestsFailed";
    private const string WatermarkAdvancedField = "watermarkAdvanced";
    private const string CallsField = "calls";
    private const string ThrottlesField = "throttles";
    private const string PassField = "pass";
    private const string PassFirstPageField = "passFirstPage";
    private const string VerificationRequiredField = "verificationRequired";
    private const string VerificationField = "verification";
    private const string VerificationNoteField = "verificationNote";
    private const string RereadCallsField = "rereadCalls";
    private const string RecordIdsField = "recordIds";
    private const string ItemCountField = "itemCount";
    private const string SweptField = "swept";
    private const string DeletesField = "deletes";
    private const string ReservedField = "reserved";
    private const string ReconcileField = "reconcile";
    private const string TargetedField = "targeted";
    private const string OpenedThroughField = "openedThrough";
    private const string TenantPlanField = "plan";
    private const string UsageField = "usage";
    private const string ManifestsField = "manifests";
    private const string UsageDayPrefix = "d";
    private const string UsageCallsField = "calls";
    private const string UsageReceivedField = "bytesReceived";
    private const string UsageDecodedField = "bytesDecoded";

    private static readonly PageStatus[] Statuses = Enum.GetValues<PageStatus>();

    private readonly FirestoreClient _client;
    private readonly TimeProvider _time;
    private readonly string _runs;

    /// <param name="collectionPrefix">Prefix of the top-level collection (test isolation); empty in production.</param>
    public FirestoreRunLedger(FirestoreClient client, TimeProvider time, string collectionPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _time = time;
        _runs = collectionPrefix + "runs";
    }

    public async Task CreateRunAsync(RunInfo run, IReadOnlyList<EndpointOpening> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoints);
        var openings = endpoints
            .DistinctBy(e => Key(run.RunId, e.TenantId, e.Endpoint))
            .Chunk(MaxOpeningsPerCommit)
            .ToList();
        if (openings.Count == 0)
        {
            openings.Add([]);
        }

        // The run document goes with the last chunk: a run that can be read has all its endpoints.
        for (var chunk = 0; chunk < openings.Count; chunk++)
        {
            var withRun = chunk == openings.Count - 1;
            await CreateEndpointsAsync(run, openings[chunk], withRun, cancellationToken);
        }
    }

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var snapshot = (await _client.BatchGetAsync([RunDoc(runId)], cancellationToken: cancellationToken))[0];
        return snapshot.Document is { } document ? ReadRun(document) : null;
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        // Ties on startedAt fall back to the implicit document-name order (run id), descending too.
        var query = new FirestoreQuery(_runs) { OrderBy = [new FirestoreOrder("startedAt", Descending: true)], Limit = limit };
        var documents = await _client.RunQueryAsync(query, cancellationToken: cancellationToken);
        return [.. documents.Select(ReadRun)];
    }

    public async Task<PageClaim> ClaimPageAsync(EndpointKey key, int page, long? offset, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        for (var attempt = 1; ; attempt++)
        {
            var now = Now();
            var (pageSnapshot, endpoint) = await ReadPageAndEndpointAsync(key, page, cancellationToken);
            var existing = pageSnapshot.Document is { } d ? ReadPage(key, d) : null;
            if (existing is { Status: PageStatus.Done })
            {
                return new PageClaim(PageClaimKind.AlreadyDone, Annotate(existing, endpoint));
            }

            if (existing is null && endpoint is not null && FirestoreFields.Integer(endpoint, LastPageField) is { } last && page > last)
            {
                return new PageClaim(PageClaimKind.BeyondEnd, null);
            }

            if (existing is { LeaseOwner: { } holder, LeaseExpiresAt: { } until } && holder != owner && until > now)
            {
                return new PageClaim(PageClaimKind.HeldElsewhere, existing, until);
            }

            var claimed = existing is null
                ? new PageRecord(key.RunId, key.TenantId, key.Endpoint, page, PageStatus.Pending, Offset: offset, UpdatedAt: now, LeaseOwner: owner, LeaseExpiresAt: now + lease)
                : existing with { Status = PageStatus.Pending, Offset = existing.Offset ?? offset, Error = null, UpdatedAt = now, LeaseOwner = owner, LeaseExpiresAt = now + lease };
            var delta = new EndpointDelta();
            delta.Move(existing?.Status ?? Opened(endpoint, page), PageStatus.Pending);
            if (await TryCommitPageAsync(key, pageSnapshot, claimed, delta, attempt, cancellationToken))
            {
                return new PageClaim(PageClaimKind.Claimed, claimed);
            }
        }
    }

    public async Task<bool> RenewPageAsync(EndpointKey key, int page, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await ReadPageAsync(key, page, cancellationToken);
            if (snapshot.Document is not { } document || ReadPage(key, document) is not { Status: PageStatus.Pending } existing || existing.LeaseOwner != owner)
            {
                return false;
            }

            var renewed = existing with { LeaseExpiresAt = Now() + lease };
            if (await TryCommitPageAsync(key, snapshot, renewed, new EndpointDelta(), attempt, cancellationToken))
            {
                return true;
            }
        }
    }

    public async Task ReleasePageAsync(EndpointKey key, int page, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await ReadPageAsync(key, page, cancellationToken);
            if (snapshot.Document is not { } document || ReadPage(key, document) is not { } existing || existing.LeaseOwner != owner)
            {
                return;
            }

            var released = existing with { LeaseOwner = null, LeaseExpiresAt = null };
            if (await TryCommitPageAsync(key, snapshot, released, new EndpointDelta(), attempt, cancellationToken))
            {
                return;
            }
        }
    }

    public async Task<PageRecord> RecordPageDoneAsync(PageDone page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        var key = page.Key;
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; ; attempt++)
        {
            var (pageSnapshot, endpoint) = await ReadPageAndEndpointAsync(key, page.Page, cancellationToken);
            var existing = pageSnapshot.Document is { } d ? ReadPage(key, d) : null;

            // The first value of the last page wins; concurrent first values meet in a minimum (there is only one true one).
            var setLastPage = page.LastPage is int && (endpoint is null || FirestoreFields.Integer(endpoint, LastPageField) is null);
            var delta = new EndpointDelta { MinLastPage = setLastPage ? page.LastPage : null };
            delta.Add(CallsField, page.Calls);
            delta.Add(ThrottlesField, page.Throttles);
            delta.Add(RereadCallsField, page.Reread ? page.Calls : 0);
            AddUsage(delta, new XeroUsage(page.Calls, page.BytesReceived, page.BytesDecoded));
            if (existing is { Status: PageStatus.Done })
            {
                // Done is final: an earlier delivery's record stands.
                if (delta.IsEmpty || await TryCommitAsync([EndpointWrite(key, delta)], attempt, cancellationToken))
                {
                    return Annotate(existing, endpoint);
                }

                continue;
            }

            var done = new PageRecord(
                key.RunId,
                key.TenantId,
                key.Endpoint,
                page.Page,
                PageStatus.Done,
                page.Records,
                page.ObjectName,
                existing?.Offset ?? page.Offset,
                page.NextOffset,
                page.IsLast,
                UpdatedAt: Now());
            delta.Move(existing?.Status ?? Opened(endpoint, page.Page), PageStatus.Done);
            delta.Add(RecordsField, page.Records);
            delta.Add(UnlistedField, 1);
            delta.MaxNextOffset = page.NextOffset;
            var fields = PageFields(key, done);
            if (page.RecordIds is { } ids)
            {
                fields[RecordIdsField] = FirestoreValue.FromArray([.. ids.Select(FirestoreValue.FromString)]);
                fields[ItemCountField] = FirestoreFields.OrNull(page.ItemCount);
                delta.Fields[VerificationRequiredField] = FirestoreValue.FromBoolean(true);
            }

            // The only page of an endpoint that this page settles: its manifest is claimed in the same write (the manifest
            // writer that follows finds the claim unwritten and writes it), one endpoint write fewer than a claim of its own.
            var claimsManifest = endpoint?.UpdateTime is not null && AfterDone(ReadState(key, endpoint), existing?.Status ?? Opened(endpoint, page.Page), page).ClaimsManifestWithItsPage;
            if (claimsManifest)
            {
                var manifest = new StoredManifest(new ManifestRecord(0, ManifestState.Claimed, done.UpdatedAt!.Value, page.Records), [page.Page]);
                delta.Add(UnlistedField, -1);
                delta.Add(ManifestsClaimedField, 1);
                delta.Fields[ManifestsField] = ManifestsValue([manifest]);
            }

            FirestoreWrite[] writes =
            [
                FirestoreWrite.Set(PageDoc(key, page.Page), fields, pageSnapshot.Document is { UpdateTime: { } updated } ? FirestorePrecondition.UpdatedAt(updated) : FirestorePrecondition.MustNotExist),
                EndpointWrite(key, delta, claimsManifest ? FirestorePrecondition.UpdatedAt(endpoint!.UpdateTime!) : null),
            ];
            if (await TryCommitAsync(writes, attempt, cancellationToken))
            {
                return claimsManifest ? done with { ManifestSequence = 0 } : done;
            }
        }
    }

    public async Task RecordPageEndedAsync(EndpointKey key, int page, long? offset, PageStatus status, string reason, XeroUsage? usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        if (status is not (PageStatus.Failed or PageStatus.Deferred or PageStatus.NotEntitled))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A page ends failed, deferred or not entitled.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var (snapshot, endpoint) = await ReadPageAndEndpointAsync(key, page, cancellationToken);
            var existing = snapshot.Document is { } d ? ReadPage(key, d) : null;
            var delta = new EndpointDelta();
            if (usage is not null)
            {
                AddUsage(delta, usage);
            }

            if (existing is { Status: PageStatus.Done })
            {
                // The page stands as done, but the calls were made: counted on the endpoint all the same.
                if (delta.IsEmpty || await TryCommitAsync([EndpointWrite(key, delta)], attempt, cancellationToken))
                {
                    return;
                }

                continue;
            }

            var now = Now();
            var ended = existing is null
                ? new PageRecord(key.RunId, key.TenantId, key.Endpoint, page, status, Offset: offset, Error: reason, UpdatedAt: now)
                : existing with { Status = status, Offset = existing.Offset ?? offset, Error = reason, UpdatedAt = now, LeaseOwner = null, LeaseExpiresAt = null };
            delta.Move(existing?.Status ?? Opened(endpoint, page), status);
            if (await TryCommitPageAsync(key, snapshot, ended, delta, attempt, cancellationToken))
            {
                return;
            }
        }
    }

    public async Task RecordUsageAsync(EndpointKey key, XeroUsage usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(usage);
        var delta = new EndpointDelta();
        AddUsage(delta, usage);
        for (var attempt = 1; ; attempt++)
        {
            if (delta.IsEmpty || await TryCommitAsync([EndpointWrite(key, delta)], attempt, cancellationToken))
            {
                return;
            }
        }
    }

    public Task OpenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken) =>
        WritePagesAsync(key, pages, reopen: false, cancellationToken);

    public Task ReopenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken) =>
        WritePagesAsync(key, pages, reopen: true, cancellationToken);

    public async Task<IReadOnlyList<PageRecord>> GetPagesAsync(EndpointKey key, int firstPage, int lastPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        firstPage = Math.Max(firstPage, 1);
        if (lastPage < firstPage)
        {
            return [];
        }

        if ((long)lastPage - firstPage >= MaxRangeReadByName)
        {
            return [.. (await GetAllPagesAsync(key, cancellationToken)).Where(p => p.Page >= firstPage && p.Page <= lastPage)];
        }

        // By name: the endpoint document rides along in the first read (it tells whether any manifest exists).
        var names = new List<string> { EndpointDoc(key) };
        names.AddRange(Enumerable.Range(firstPage, lastPage - firstPage + 1).Select(p => PageDoc(key, p)));
        var snapshots = await BatchGetChunkedAsync(names, cancellationToken);
        var pages = snapshots.Skip(1).Where(s => s.Document is not null).Select(s => ReadPage(key, s.Document!)).ToList();
        return Annotate(WithOpened(key, pages, snapshots[0].Document, firstPage, lastPage), snapshots[0].Document);
    }

    public async Task<IReadOnlyList<PageRecord>> GetAllPagesAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pages = QueryPagesAsync(key, cancellationToken);
        var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
        return Annotate(WithOpened(key, await pages, endpoint, 1, int.MaxValue), endpoint);
    }

    public async Task<IdTally> TallyIdsAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
        var state = ReadState(key, endpoint);

        // Pages are numbered 1.. without gaps: read each by name (no scan of the endpoint's pages).
        var pageCount = Math.Max(state.LastPage ?? 0, state.Pages);
        var snapshots = await BatchGetChunkedAsync([.. Enumerable.Range(1, pageCount).Select(p => PageDoc(key, p))], cancellationToken);
        var all = new HashSet<string>(StringComparer.Ordinal);
        var inPass = new HashSet<string>(StringComparer.Ordinal);
        var passRecords = 0;
        int? itemCount = null;
        foreach (var document in snapshots.Select(s => s.Document).OfType<FirestoreDocument>())
        {
            if (FirestoreFields.String(document, "status") != nameof(PageStatus.Done) || document.Field(RecordIdsField) is null)
            {
                continue;
            }

            var ids = FirestoreFields.Strings(document, RecordIdsField);
            all.UnionWith(ids);
            if ((FirestoreFields.Integer(document, "page") ?? 0) >= state.PassFirstPage)
            {
                passRecords += ids.Count;
                inPass.UnionWith(ids);
                if (FirestoreFields.Integer(document, ItemCountField) is { } reported)
                {
                    itemCount = Math.Max(itemCount ?? 0, (int)reported);
                }
            }
        }

        return new IdTally(state.Pass, state.PassFirstPage, all.Count, passRecords, inPass.Count, itemCount);
    }

    public async Task<int?> StartRereadAsync(EndpointKey key, int pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
            var state = ReadState(key, endpoint);
            if (endpoint is null || !state.AwaitsVerification || state.Pass != pass || state.LastPage is not int last)
            {
                return null;
            }

            var first = last + 1;
            var fields = new Dictionary<string, FirestoreValue>
            {
                [PassField] = FirestoreValue.FromInteger(pass + 1),
                [PassFirstPageField] = FirestoreValue.FromInteger(first),
                [LastPageField] = FirestoreValue.Null,
            };
            var delta = new EndpointDelta();
            delta.Move(null, PageStatus.Pending);
            var page = new PageRecord(key.RunId, key.TenantId, key.Endpoint, first, PageStatus.Pending, UpdatedAt: Now());
            FirestoreWrite[] writes =
            [
                FirestoreWrite.Merge(EndpointDoc(key), fields, FirestorePrecondition.UpdatedAt(endpoint.UpdateTime!)) with { UpdateTransforms = delta.Transforms() },
                FirestoreWrite.Create(PageDoc(key, first), PageFields(key, page)),
            ];
            if (await TryCommitAsync(writes, attempt, cancellationToken))
            {
                return first;
            }
        }
    }

    public async Task RecordVerificationAsync(EndpointKey key, int pass, VerificationOutcome outcome, string note, CancellationToken cancellationToken)
    {
        VerificationGuard.ThrowIfInvalid(key, outcome, note);

        for (var attempt = 1; ; attempt++)
        {
            var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
            var state = ReadState(key, endpoint);
            if (endpoint is null || state.Pass != pass || state.Verification != VerificationOutcome.Pending)
            {
                return;
            }

            var fields = new Dictionary<string, FirestoreValue>
            {
                [VerificationField] = FirestoreValue.FromString(outcome.ToString()),
                [VerificationNoteField] = FirestoreValue.FromString(note),
            };
            if (await TryCommitAsync([FirestoreWrite.Merge(EndpointDoc(key), fields, FirestorePrecondition.UpdatedAt(endpoint.UpdateTime!))], attempt, cancellationToken))
            {
                return;
            }
        }
    }

    public async Task<EndpointState> GetEndpointAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var snapshot = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0];
        return ReadState(key, snapshot.Document);
    }

    public async Task<IReadOnlyList<EndpointState>> GetRunEndpointsAsync(string runId, CancellationToken cancellationToken)
    {
        var documents = await _client.RunQueryAsync(new FirestoreQuery("endpoints") { ParentDocument = RunDoc(runId) }, cancellationToken: cancellationToken);
        return [.. documents
            .Where(d => FirestoreFields.String(d, "tenantId") is not null && FirestoreFields.String(d, "endpoint") is not null)
            .Select(d => ReadState(new EndpointKey(runId, FirestoreFields.String(d, "tenantId")!, FirestoreFields.String(d, "endpoint")!), d))
            .OrderBy(s => s.TenantId, StringComparer.Ordinal)
            .ThenBy(s => s.Endpoint, StringComparer.Ordinal)];
    }

    public async Task<ManifestClaim?> ClaimManifestAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
            var state = ReadState(key, endpoint);
            var manifests = ReadManifests(endpoint);
            if (!state.NeedsManifest)
            {
                // A claim not loaded yet: its writer may have crashed before the object existed, so hand it out again.
                if (state.ManifestsClaimed <= state.ManifestsLoaded + state.ManifestsFailed ||
                    manifests.FirstOrDefault(m => m.Record.State.AwaitsLoad()) is not { } unwritten)
                {
                    return null;
                }

                return Claim(unwritten.Record.Sequence, unwritten.Record.ClaimedAt, unwritten.Pages, await ClaimedPagesAsync(key, state, unwritten.Pages, cancellationToken));
            }

            // The endpoint document as read is the snapshot: the pages' scan is checked against it by the precondition.
            var pages = await QueryPagesAsync(key, cancellationToken);
            var listed = manifests.SelectMany(m => m.Pages).ToHashSet();
            var unlistedPages = pages.Where(p => p.Status == PageStatus.Done && !listed.Contains(p.Page)).ToList();
            var unlisted = unlistedPages.Select(p => p.Page).ToList();
            var sequence = state.ManifestsClaimed;
            var claimedAt = Now();
            var claimed = new StoredManifest(new ManifestRecord(sequence, ManifestState.Claimed, claimedAt, unlistedPages.Sum(p => (long)p.Records)), unlisted);
            var delta = new EndpointDelta();
            delta.Add(ManifestsClaimedField, 1);
            delta.Add(UnlistedField, -unlisted.Count);
            delta.Fields[ManifestsField] = ManifestsValue([.. manifests, claimed]);
            if (await TryCommitAsync([EndpointWrite(key, delta, FirestorePrecondition.UpdatedAt(endpoint!.UpdateTime!))], attempt, cancellationToken))
            {
                return Claim(sequence, claimedAt, unlisted, pages);
            }
        }
    }

    public async Task<IReadOnlyList<ManifestRecord>> GetManifestsAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return [.. (await ReadManifestsAsync(key, cancellationToken)).Select(m => m.Record)];
    }

    public async Task<EndpointState> MarkManifestLoadedAsync(EndpointKey key, int sequence, long rows, bool watermarkAdvanced, CancellationToken cancellationToken)
    {
        await SetManifestStateAsync(key, sequence, ManifestState.Loaded, rows, null, watermarkAdvanced, cancellationToken);
        return await GetEndpointAsync(key, cancellationToken);
    }

    public Task MarkManifestFailedAsync(EndpointKey key, int sequence, string reason, CancellationToken cancellationToken) =>
        SetManifestStateAsync(key, sequence, ManifestState.Failed, null, reason, watermarkAdvanced: false, cancellationToken);

    public async Task MarkWatermarkAdvancedAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
        if (endpoint is null || FirestoreFields.Boolean(endpoint, WatermarkAdvancedField))
        {
            return;
        }

        // Documents are never deleted, so a blind merge only sets the flag (idempotent).
        var fields = new Dictionary<string, FirestoreValue> { [WatermarkAdvancedField] = FirestoreValue.FromBoolean(true) };
        await _client.CommitAsync([FirestoreWrite.Merge(EndpointDoc(key), fields)], cancellationToken: cancellationToken);
    }

    /// <summary>The endpoint's state once <paramref name="page"/> is recorded done (moving from <paramref name="from"/>), its manifest not yet claimed.</summary>
    private static EndpointState AfterDone(EndpointState before, PageStatus? from, PageDone page) => before with
    {
        LastPage = before.LastPage ?? page.LastPage,
        Pending = before.Pending - (from == PageStatus.Pending ? 1 : 0),
        Done = before.Done + 1,
        Unlisted = before.Unlisted + 1,
        Records = before.Records + page.Records,
        VerificationRequired = before.VerificationRequired || page.RecordIds is not null,
    };

    private static ManifestClaim Claim(int sequence, DateTimeOffset claimedAt, IReadOnlyCollection<int> listed, IReadOnlyList<PageRecord> pages)
    {
        var members = listed.ToHashSet();
        return new ManifestClaim(
            sequence,
            claimedAt,
            [.. pages.Where(p => p.Status == PageStatus.Done && members.Contains(p.Page)).Select(p => p with { ManifestSequence = sequence })],
            [.. pages.Where(p => p.Status == PageStatus.Failed).Select(p => p.Page)],
            [.. pages.Where(p => p.Status == PageStatus.Deferred).Select(p => p.Page)]);
    }

    private static IReadOnlyList<PageRecord> Annotate(IReadOnlyList<PageRecord> pages, IReadOnlyList<StoredManifest> manifests)
    {
        if (manifests.Count == 0)
        {
            return pages;
        }

        var sequenceOf = new Dictionary<int, int>();
        foreach (var manifest in manifests)
        {
            foreach (var page in manifest.Pages)
            {
                sequenceOf.TryAdd(page, manifest.Record.Sequence);
            }
        }

        return [.. pages.Select(p => p.Status == PageStatus.Done && sequenceOf.TryGetValue(p.Page, out var sequence) ? p with { ManifestSequence = sequence } : p)];
    }

    private static bool IsLostRace(Exception e) => e is FirestoreAlreadyExistsException or FirestorePreconditionFailedException or FirestoreAbortedException;

    private static string Key(string runId, string tenantId, string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return FirestoreDocumentId.Join(tenantId, endpoint);
    }

    private static string Key(EndpointKey key) => Key(key.RunId, key.TenantId, key.Endpoint);

    private static Dictionary<string, FirestoreValue> KeyFields(EndpointKey key) => new()
    {
        ["key"] = FirestoreValue.FromString(Key(key)),
        ["runId"] = FirestoreValue.FromString(key.RunId),
        ["tenantId"] = FirestoreValue.FromString(key.TenantId),
        ["endpoint"] = FirestoreValue.FromString(key.Endpoint),
    };

    private static string CounterField(PageStatus status) => status switch
    {
        PageStatus.Pending => "pending",
        PageStatus.Done => "done",
        PageStatus.Failed => "failed",
        PageStatus.Deferred => "deferred",
        PageStatus.NotEntitled => "notEntitled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown page status."),
    };

    private static Dictionary<string, FirestoreValue> PageFields(EndpointKey key, PageRecord page)
    {
        var fields = KeyFields(key);
        fields["page"] = FirestoreValue.FromInteger(page.Page);
        fields["status"] = FirestoreValue.FromString(page.Status.ToString());
        fields[RecordsField] = FirestoreValue.FromInteger(page.Records);
        fields["objectName"] = FirestoreFields.OrNull(page.ObjectName);
        fields["offset"] = FirestoreFields.OrNull(page.Offset);
        fields["nextOffset"] = FirestoreFields.OrNull(page.NextOffset);
        fields["isLast"] = FirestoreValue.FromBoolean(page.IsLast);
        fields["error"] = FirestoreFields.OrNull(page.Error);
        fields["updatedAt"] = page.UpdatedAt is { } updated ? FirestoreValue.FromTimestamp(updated) : FirestoreValue.Null;
        fields["leaseOwner"] = FirestoreFields.OrNull(page.LeaseOwner);
        fields["leaseExpiresAt"] = page.LeaseExpiresAt is { } expires ? FirestoreValue.FromTimestamp(expires) : FirestoreValue.Null;
        return fields;
    }

    /// <summary>A page as stored; which manifest lists it is the manifests' record (see <see cref="Annotate"/>).</summary>
    private static PageRecord ReadPage(EndpointKey key, FirestoreDocument document) => new(
        key.RunId,
        key.TenantId,
        key.Endpoint,
        (int)(FirestoreFields.Integer(document, "page") ?? 0),
        Enum.Parse<PageStatus>(FirestoreFields.String(document, "status") ?? nameof(PageStatus.Pending)),
        (int)(FirestoreFields.Integer(document, RecordsField) ?? 0),
        FirestoreFields.String(document, "objectName"),
        FirestoreFields.Integer(document, "offset"),
        FirestoreFields.Integer(document, "nextOffset"),
        FirestoreFields.Boolean(document, "isLast"),
        FirestoreFields.String(document, "error"),
        null,
        FirestoreFields.Timestamp(document, "updatedAt"),
        FirestoreFields.String(document, "leaseOwner"),
        FirestoreFields.Timestamp(document, "leaseExpiresAt"));

    /// <summary>The endpoint document's manifests (the <c>manifests</c> map, keyed by sequence), in sequence order.</summary>
    private static IReadOnlyList<StoredManifest> ReadManifests(FirestoreDocument? endpoint)
    {
        if (endpoint?.Field(ManifestsField)?.MapValue?.Fields is not { } entries)
        {
            return [];
        }

        return [.. entries.Values
            .Select(v => v.MapValue?.Fields)
            .OfType<IReadOnlyDictionary<string, FirestoreValue>>()
            .Select(fields => ReadManifest(new FirestoreDocument(null, fields)))
            .OrderBy(m => m.Record.Sequence)];
    }

    private static StoredManifest ReadManifest(FirestoreDocument entry) => new(
        new ManifestRecord(
            (int)(FirestoreFields.Integer(entry, "sequence") ?? 0),
            Enum.Parse<ManifestState>(FirestoreFields.String(entry, "state") ?? nameof(ManifestState.Claimed)),
            FirestoreFields.Timestamp(entry, "claimedAt") ?? DateTimeOffset.MinValue,
            FirestoreFields.Integer(entry, RecordsField) ?? 0,
            FirestoreFields.Integer(entry, "loadedRows"),
            FirestoreFields.String(entry, "error")),
        [.. FirestoreFields.Integers(entry, "pages").Select(p => (int)p)]);

    /// <summary>The <c>manifests</c> map as written: every manifest of the endpoint (a merge replaces the whole map, under a precondition).</summary>
    private static FirestoreValue ManifestsValue(IEnumerable<StoredManifest> manifests) =>
        FirestoreValue.FromMap(manifests.ToDictionary(
            m => m.Record.Sequence.ToString("D5", CultureInfo.InvariantCulture),
            m => FirestoreValue.FromMap(new Dictionary<string, FirestoreValue>
            {
                ["sequence"] = FirestoreValue.FromInteger(m.Record.Sequence),
                ["state"] = FirestoreValue.FromString(m.Record.State.ToString()),
                ["claimedAt"] = FirestoreValue.FromTimestamp(m.Record.ClaimedAt),
                [RecordsField] = FirestoreValue.FromInteger(m.Record.Records),
                ["pages"] = FirestoreValue.FromArray([.. m.Pages.Select(p => FirestoreValue.FromInteger(p))]),
                ["loadedRows"] = FirestoreFields.OrNull(m.Record.LoadedRows),
                ["error"] = FirestoreFields.OrNull(m.Record.Error),
            }),
            StringComparer.Ordinal));

    private static RunInfo ReadRun(FirestoreDocument document) => new(
        FirestoreFields.String(document, "runId") ?? string.Empty,
        FirestoreFields.Timestamp(document, "startedAt") ?? DateTimeOffset.MinValue,
        FirestoreFields.Strings(document, "tenants"),
        FirestoreFields.Strings(document, "endpoints"),
        FirestoreFields.Boolean(document, "full"))
    {
        Reconcile = FirestoreFields.String(document, ReconcileField) is { } plan
            ? System.Text.Json.JsonSerializer.Deserialize(plan, ReconcileJsonContext.Default.ReconcilePlan)
            : null,
        Targeted = FirestoreFields.Boolean(document, TargetedField),
    };

    private static TenantReconcilePlan? ReadTenantPlan(FirestoreDocument document) =>
        FirestoreFields.String(document, TenantPlanField) is { } plan
            ? System.Text.Json.JsonSerializer.Deserialize(plan, ReconcileJsonContext.Default.TenantReconcilePlan)
            : null;

    private static EndpointState ReadState(EndpointKey key, FirestoreDocument? document)
    {
        int Count(string field) => document is null ? 0 : (int)(FirestoreFields.Integer(document, field) ?? 0);
        return new EndpointState(
            key.RunId,
            key.TenantId,
            key.Endpoint,
            document is not null && FirestoreFields.Integer(document, LastPageField) is { } last ? (int)last : null,
            Pending: Count(CounterField(PageStatus.Pending)),
            Done: Count(CounterField(PageStatus.Done)),
            Failed: Count(CounterField(PageStatus.Failed)),
            Deferred: Count(CounterField(PageStatus.Deferred)),
            NotEntitled: Count(CounterField(PageStatus.NotEntitled)),
            Records: document is null ? 0 : FirestoreFields.Integer(document, RecordsField) ?? 0,
            Unlisted: Count(UnlistedField),
            ManifestsClaimed: Count(ManifestsClaimedField),
            ManifestsLoaded: Count(ManifestsLoadedField),
            ManifestsFailed: Count(ManifestsFailedField),
            MaxNextOffset: document is null ? null : FirestoreFields.Integer(document, MaxNextOffsetField),
            WatermarkAdvanced: document is not null && FirestoreFields.Boolean(document, WatermarkAdvancedField),
            Calls: Count(CallsField),
            Throttles: Count(ThrottlesField),
            Pass: Count(PassField),
            PassFirstPage: document is not null && FirestoreFields.Integer(document, PassFirstPageField) is { } first ? (int)first : 1,
            VerificationRequired: document is not null && FirestoreFields.Boolean(document, VerificationRequiredField),
            Verification: document is not null && FirestoreFields.String(document, VerificationField) is { } outcome ? Enum.Parse<VerificationOutcome>(outcome) : VerificationOutcome.Pending,
            VerificationNote: document is null ? null : FirestoreFields.String(document, VerificationNoteField),
            RereadCalls: Count(RereadCallsField))
        {
            Swept = document is null ? null : FirestoreFields.Integer(document, SweptField),
            Deletes = document is null ? null : FirestoreFields.Integer(document, DeletesField),
            Usage = new EndpointUsage(ReadUsage(document)),
        };
    }

    /// <summary>
    /// Calls and bytes into the endpoint document's map of UTC days (<c>usage.d20261207.bytesReceived</c>), as blind increments
    /// in the write the page already makes: no write of its own, and no contention beyond the endpoint's counters.
    /// </summary>
    private void AddUsage(EndpointDelta delta, XeroUsage usage)
    {
        var day = UsageDayPrefix + _time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        delta.Add($"{UsageField}.{day}.{UsageCallsField}", usage.Calls);
        delta.Add($"{UsageField}.{day}.{UsageReceivedField}", usage.BytesReceived);
        delta.Add($"{UsageField}.{day}.{UsageDecodedField}", usage.BytesDecoded);
    }

    private static List<DailyUsage> ReadUsage(FirestoreDocument? document)
    {
        var usage = new List<DailyUsage>();
        if (document?.Fields is not { } fields || !fields.TryGetValue(UsageField, out var map) || map.MapValue?.Fields is not { } days)
        {
            return usage;
        }

        foreach (var (name, value) in days)
        {
            if (name.Length == UsageDayPrefix.Length + 8 && name.StartsWith(UsageDayPrefix, StringComparison.Ordinal) &&
                DateOnly.TryParseExact(name[UsageDayPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) &&
                value.MapValue?.Fields is { } counts)
            {
                long Count(string field) => counts.TryGetValue(field, out var v) ? v.AsInteger() ?? 0 : 0;
                usage.Add(new DailyUsage(day, Count(UsageCallsField), Count(UsageReceivedField), Count(UsageDecodedField)));
            }
        }

        usage.Sort((a, b) => a.Day.CompareTo(b.Day));
        return usage;
    }

    public async Task<bool> TryReserveCallAsync(RunInfo run, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (run.Reconcile?.BudgetFor(tenantId) is not int budget)
        {
            return true;
        }

        if (budget < 1)
        {
            return false;
        }

        // A blind increment (no transaction, no contention) whose result says which call this is: the n-th call may be
        // made only while n is within the budget. Denied reservations stay counted, so the count only grows.
        var result = await _client.CommitAsync(
            [FirestoreWrite.Transform(BudgetDoc(run.RunId, tenantId), [FirestoreFieldTransform.IncrementBy(ReservedField, 1L)])],
            cancellationToken: cancellationToken);
        var taken = result.WriteResults is [{ TransformResults: [var value, ..] }, ..] ? value.AsInteger() : null;
        return taken is long n && n <= budget;
    }

    public async Task<TenantReconcilePlan> RecordTenantPlanAsync(string runId, TenantReconcilePlan plan, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(plan);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = (await _client.BatchGetAsync([BudgetDoc(runId, plan.TenantId)], cancellationToken: cancellationToken))[0];
            if (snapshot.Document is { } existing && ReadTenantPlan(existing) is { } recorded)
            {
                return recorded;
            }

            // Merged beside the reserved-call counter; the precondition makes the first plan the only one.
            var fields = new Dictionary<string, FirestoreValue>(StringComparer.Ordinal)
            {
                ["tenantId"] = FirestoreValue.FromString(plan.TenantId),
                [TenantPlanField] = FirestoreValue.FromString(System.Text.Json.JsonSerializer.Serialize(plan, ReconcileJsonContext.Default.TenantReconcilePlan)),
            };
            var precondition = snapshot.Document is { UpdateTime: { } updated } ? FirestorePrecondition.UpdatedAt(updated) : FirestorePrecondition.MustNotExist;
            if (await TryCommitAsync([FirestoreWrite.Merge(BudgetDoc(runId, plan.TenantId), fields, precondition)], attempt, cancellationToken))
            {
                return plan;
            }
        }
    }

    public async Task<TenantReconcilePlan?> GetTenantPlanAsync(string runId, string tenantId, CancellationToken cancellationToken)
    {
        var snapshot = (await _client.BatchGetAsync([BudgetDoc(runId, tenantId)], cancellationToken: cancellationToken))[0];
        return snapshot.Document is { } document ? ReadTenantPlan(document) : null;
    }

    public async Task<IReadOnlyList<TenantReconcilePlan>> GetTenantPlansAsync(string runId, CancellationToken cancellationToken)
    {
        var documents = await _client.RunQueryAsync(new FirestoreQuery("budgets") { ParentDocument = RunDoc(runId) }, cancellationToken: cancellationToken);
        return [.. documents.Select(ReadTenantPlan).OfType<TenantReconcilePlan>().OrderBy(p => p.TenantId, StringComparer.Ordinal)];
    }

    public async Task<int> GetReservedCallsAsync(string runId, string tenantId, CancellationToken cancellationToken)
    {
        var snapshot = (await _client.BatchGetAsync([BudgetDoc(runId, tenantId)], cancellationToken: cancellationToken))[0];
        if (snapshot.Document is not { } document || FirestoreFields.Integer(document, ReservedField) is not long taken)
        {
            return 0;
        }

        // Reservations past the budget were denied and never became calls.
        var run = await this.GetRunForTenantAsync(runId, tenantId, cancellationToken);
        return run?.Reconcile?.BudgetFor(tenantId) is int budget ? (int)Math.Min(taken, budget) : (int)taken;
    }

    public async Task RecordSweepAsync(EndpointKey key, long swept, long deletes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(swept);
        ArgumentOutOfRangeException.ThrowIfNegative(deletes);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0];
            if (snapshot.Document is { } existing && FirestoreFields.Integer(existing, SweptField) is not null)
            {
                return;
            }

            var fields = KeyFields(key);
            fields[SweptField] = FirestoreValue.FromInteger(swept);
            fields[DeletesField] = FirestoreValue.FromInteger(deletes);
            var precondition = snapshot.Document is { UpdateTime: { } updated } ? FirestorePrecondition.UpdatedAt(updated) : FirestorePrecondition.MustNotExist;
            if (await TryCommitAsync([FirestoreWrite.Merge(EndpointDoc(key), fields, precondition)], attempt, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Timestamps as Firestore keeps them (microseconds), so a returned record equals a later read of it.</summary>
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }

    private async Task CreateEndpointsAsync(RunInfo run, EndpointOpening[] openings, bool withRun, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var keys = openings.Select(o => new EndpointKey(run.RunId, o.TenantId, o.Endpoint)).ToList();
            var names = keys.SelectMany(k => new[] { EndpointDoc(k), PageDoc(k, 1) }).ToList();
            if (withRun)
            {
                names.Add(RunDoc(run.RunId));
            }

            var snapshots = await BatchGetChunkedAsync(names, cancellationToken);
            var writes = new List<FirestoreWrite>();
            var now = Now();
            for (var i = 0; i < openings.Length; i++)
            {
                var key = keys[i];
                var endpointExists = snapshots[2 * i].Exists;

                // Page 1 is recorded by a document of its own, or (with no offset to keep) counted pending as opened.
                var pageExists = snapshots[(2 * i) + 1].Exists || OpenedThrough(snapshots[2 * i].Document) >= 1;
                var opensWithoutDocument = openings[i].FirstOffset is null;
                if (!endpointExists)
                {
                    // A fresh endpoint has no page at all (page writes always create the endpoint document with them).
                    var fields = KeyFields(key);
                    if (!pageExists && opensWithoutDocument)
                    {
                        fields[OpenedThroughField] = FirestoreValue.FromInteger(1);
                    }

                    foreach (var status in Statuses)
                    {
                        fields[CounterField(status)] = FirestoreValue.FromInteger(status == PageStatus.Pending && !pageExists ? 1 : 0);
                    }

                    foreach (var counter in new[] { RecordsField, UnlistedField, ManifestsClaimedField, ManifestsLoadedField, ManifestsFailedField, CallsField, ThrottlesField })
                    {
                        fields[counter] = FirestoreValue.FromInteger(0);
                    }

                    fields[WatermarkAdvancedField] = FirestoreValue.FromBoolean(false);
                    if (openings[i].SingleCall)
                    {
                        fields[LastPageField] = FirestoreValue.FromInteger(1);
                    }

                    writes.Add(FirestoreWrite.Create(EndpointDoc(key), fields));
                }
                else if (!pageExists)
                {
                    var delta = new EndpointDelta();
                    delta.Move(null, PageStatus.Pending);
                    writes.Add(EndpointWrite(key, delta));
                    opensWithoutDocument = false;
                }

                if (!pageExists && !opensWithoutDocument)
                {
                    var first = new PageRecord(key.RunId, key.TenantId, key.Endpoint, 1, PageStatus.Pending, Offset: openings[i].FirstOffset, UpdatedAt: now);
                    writes.Add(FirestoreWrite.Create(PageDoc(key, 1), PageFields(key, first)));
                }
            }

            if (withRun && !snapshots[^1].Exists)
            {
                var fields = new Dictionary<string, FirestoreValue>
                {
                    ["runId"] = FirestoreValue.FromString(run.RunId),
                    ["startedAt"] = FirestoreValue.FromTimestamp(run.StartedAt),
                    ["tenants"] = FirestoreValue.FromArray([.. run.Tenants.Select(FirestoreValue.FromString)]),
                    ["endpoints"] = FirestoreValue.FromArray([.. run.Endpoints.Select(FirestoreValue.FromString)]),
                    ["full"] = FirestoreValue.FromBoolean(run.Full),
                };
                if (run.Reconcile is { } plan)
                {
                    fields[ReconcileField] = FirestoreValue.FromString(System.Text.Json.JsonSerializer.Serialize(plan, ReconcileJsonContext.Default.ReconcilePlan));
                }

                if (run.Targeted)
                {
                    fields[TargetedField] = FirestoreValue.FromBoolean(true);
                }

                writes.Add(FirestoreWrite.Create(RunDoc(run.RunId), fields));
            }

            if (writes.Count == 0 || await TryCommitAsync(writes, attempt, cancellationToken))
            {
                return;
            }
        }
    }

    private async Task WritePagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, bool reopen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(pages);
        foreach (var page in pages)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        }

        foreach (var chunk in pages.DistinctBy(p => p.Page).OrderBy(p => p.Page).Chunk(MaxWritesPerCommit))
        {
            for (var attempt = 1; ; attempt++)
            {
                // Page 1 too: the pages before a range opened without documents must all have theirs.
                var withPageOne = chunk[0].Page != 1;
                var names = chunk.Select(p => PageDoc(key, p.Page)).ToList();
                if (withPageOne)
                {
                    names.Add(PageDoc(key, 1));
                }

                names.Add(EndpointDoc(key));
                var snapshots = await _client.BatchGetAsync(names, cancellationToken: cancellationToken);
                var endpoint = snapshots[^1].Document;
                var pageOneRecorded = withPageOne ? snapshots[^2].Document is not null : snapshots[0].Document is not null;
                var openedThrough = OpenedThrough(endpoint);
                var now = Now();
                var delta = new EndpointDelta();
                var writes = new List<FirestoreWrite>();
                var absent = new List<int>();
                for (var i = 0; i < chunk.Length; i++)
                {
                    var existing = snapshots[i].Document is { } d ? ReadPage(key, d) : null;
                    if (existing is null && chunk[i].Page <= openedThrough)
                    {
                        // Opened already (counted pending without a document): the claim that reads it writes its document.
                        continue;
                    }

                    if (existing is null && chunk[i].Offset is null)
                    {
                        absent.Add(chunk[i].Page);
                    }

                    PageRecord? written = existing switch
                    {
                        null => new PageRecord(key.RunId, key.TenantId, key.Endpoint, chunk[i].Page, PageStatus.Pending, Offset: chunk[i].Offset, UpdatedAt: now),
                        { Status: PageStatus.Failed or PageStatus.Deferred or PageStatus.NotEntitled } when reopen =>
                            existing with { Status = PageStatus.Pending, Offset = existing.Offset ?? chunk[i].Offset, Error = null, UpdatedAt = now },
                        _ => null,
                    };
                    if (written is not null)
                    {
                        delta.Move(existing?.Status, PageStatus.Pending);
                        writes.Add(PageWrite(key, snapshots[i], written));
                    }
                }

                if (writes.Count == 0)
                {
                    break;
                }

                if (endpoint?.UpdateTime is { } endpointRead && absent.Count >= 2 && writes.Count == absent.Count && absent[^1] - absent[0] + 1 == absent.Count &&
                    (absent[0] == openedThrough + 1 || (openedThrough == 0 && absent[0] == 2 && pageOneRecorded)))
                {
                    // New pages right after the opened ones, with no offset to keep (a range's pages once page 1 told the count): opened by counting them
                    // and moving the opened mark, in one write of the endpoint document instead of one document per page. The
                    // precondition on the endpoint as read makes a concurrent opening or claim re-read, so none is counted twice.
                    var fields = new Dictionary<string, FirestoreValue> { [OpenedThroughField] = FirestoreValue.FromInteger(absent[^1]) };
                    var opened = FirestoreWrite.Merge(EndpointDoc(key), fields, FirestorePrecondition.UpdatedAt(endpointRead)) with { UpdateTransforms = delta.Transforms() };
                    if (await TryCommitAsync([opened], attempt, cancellationToken))
                    {
                        break;
                    }

                    continue;
                }

                writes.Add(EndpointWrite(key, delta));
                if (await TryCommitAsync(writes, attempt, cancellationToken))
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The status an absent page document stands for: pending when the page lies within the pages opened without documents
    /// (<c>openedThrough</c>: already counted pending), otherwise none (no record).
    /// </summary>
    /// <summary>
    /// The records of pages <paramref name="first"/>..<paramref name="last"/> with a pending record (no lease, no offset) for
    /// each page opened without a document of its own, as every other store records it.
    /// </summary>
    private static IReadOnlyList<PageRecord> WithOpened(EndpointKey key, IReadOnlyList<PageRecord> pages, FirestoreDocument? endpoint, int first, int last)
    {
        var through = (int)Math.Min(OpenedThrough(endpoint), last);
        if (through < first)
        {
            return pages;
        }

        var recorded = pages.Select(p => p.Page).ToHashSet();
        var opened = Enumerable.Range(first, through - first + 1)
            .Where(p => !recorded.Contains(p))
            .Select(p => new PageRecord(key.RunId, key.TenantId, key.Endpoint, p, PageStatus.Pending));
        return [.. pages.Concat(opened).OrderBy(p => p.Page)];
    }

    private static PageStatus? Opened(FirestoreDocument? endpoint, int page) => page <= OpenedThrough(endpoint) ? PageStatus.Pending : null;

    private static long OpenedThrough(FirestoreDocument? endpoint) => endpoint is null ? 0 : FirestoreFields.Integer(endpoint, OpenedThroughField) ?? 0;

    private async Task SetManifestStateAsync(EndpointKey key, int sequence, ManifestState target, long? rows, string? error, bool watermarkAdvanced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = (await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document;
            var manifests = ReadManifests(endpoint);

            // Forward only: Claimed (or an earlier version's Written) -> Loaded | Failed; Loaded and Failed are final.
            if (manifests.FirstOrDefault(m => m.Record.Sequence == sequence) is not { } stored || !stored.Record.State.AwaitsLoad())
            {
                return;
            }

            var moved = stored with { Record = stored.Record with { State = target, LoadedRows = rows ?? stored.Record.LoadedRows, Error = error ?? stored.Record.Error } };
            var delta = new EndpointDelta();
            if (target == ManifestState.Loaded)
            {
                delta.Add(ManifestsLoadedField, 1);
            }
            else if (target == ManifestState.Failed)
            {
                delta.Add(ManifestsFailedField, 1);
            }

            delta.Fields[ManifestsField] = ManifestsValue([.. manifests.Select(m => m.Record.Sequence == sequence ? moved : m)]);
            if (watermarkAdvanced)
            {
                delta.Fields[WatermarkAdvancedField] = FirestoreValue.FromBoolean(true);
            }

            if (await TryCommitAsync([EndpointWrite(key, delta, FirestorePrecondition.UpdatedAt(endpoint!.UpdateTime!))], attempt, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Commits the page (precondition: unchanged since read) with the endpoint's counter transforms; false on a lost race.</summary>
    private Task<bool> TryCommitPageAsync(EndpointKey key, FirestoreDocumentSnapshot read, PageRecord page, EndpointDelta delta, int attempt, CancellationToken cancellationToken)
    {
        var writes = new List<FirestoreWrite> { PageWrite(key, read, page) };
        if (!delta.IsEmpty)
        {
            writes.Add(EndpointWrite(key, delta));
        }

        return TryCommitAsync(writes, attempt, cancellationToken);
    }

    /// <summary>Commits; false when a precondition lost a race (the caller reads again), rethrown once attempts run out.</summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<FirestoreWrite> writes, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CommitAsync(writes, cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception e) when (attempt < MaxAttempts && IsLostRace(e))
        {
            return false;
        }
    }

    private FirestoreWrite PageWrite(EndpointKey key, FirestoreDocumentSnapshot read, PageRecord page) =>
        FirestoreWrite.Set(
            PageDoc(key, page.Page),
            PageFields(key, page),
            read.Document is { UpdateTime: { } updated } ? FirestorePrecondition.UpdatedAt(updated) : FirestorePrecondition.MustNotExist);

    /// <summary>The endpoint document's identity (merged, so the document exists) plus the delta as blind transforms.</summary>
    private FirestoreWrite EndpointWrite(EndpointKey key, EndpointDelta delta, FirestorePrecondition? precondition = null)
    {
        var fields = KeyFields(key);
        foreach (var (name, value) in delta.Fields)
        {
            fields[name] = value;
        }

        return FirestoreWrite.Merge(EndpointDoc(key), fields, precondition) with { UpdateTransforms = delta.Transforms() };
    }

    private async Task<(FirestoreDocumentSnapshot Page, FirestoreDocument? Endpoint)> ReadPageAndEndpointAsync(EndpointKey key, int page, CancellationToken cancellationToken)
    {
        var snapshots = await _client.BatchGetAsync([PageDoc(key, page), EndpointDoc(key)], cancellationToken: cancellationToken);
        return (snapshots[0], snapshots[1].Document);
    }

    private async Task<FirestoreDocumentSnapshot> ReadPageAsync(EndpointKey key, int page, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        return (await _client.BatchGetAsync([PageDoc(key, page)], cancellationToken: cancellationToken))[0];
    }

    private async Task<List<FirestoreDocumentSnapshot>> BatchGetChunkedAsync(List<string> names, CancellationToken cancellationToken)
    {
        var snapshots = new List<FirestoreDocumentSnapshot>(names.Count);
        foreach (var chunk in names.Chunk(MaxDocumentsPerRead))
        {
            snapshots.AddRange(await _client.BatchGetAsync(chunk, cancellationToken: cancellationToken));
        }

        return snapshots;
    }

    /// <summary>Adds the listing manifest to done pages, from the endpoint document's manifests.</summary>
    private static PageRecord Annotate(PageRecord page, FirestoreDocument? endpoint) => Annotate([page], endpoint)[0];

    private static IReadOnlyList<PageRecord> Annotate(IReadOnlyList<PageRecord> pages, FirestoreDocument? endpoint) =>
        endpoint is null ? pages : Annotate(pages, ReadManifests(endpoint));

    private async Task<IReadOnlyList<PageRecord>> QueryPagesAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        var documents = await _client.RunQueryAsync(ByKey(key, "pages"), cancellationToken: cancellationToken);
        return [.. documents.Select(d => ReadPage(key, d)).OrderBy(p => p.Page)];
    }

    private async Task<IReadOnlyList<StoredManifest>> ReadManifestsAsync(EndpointKey key, CancellationToken cancellationToken) =>
        ReadManifests((await _client.BatchGetAsync([EndpointDoc(key)], cancellationToken: cancellationToken))[0].Document);

    /// <summary>
    /// The pages a recovered claim is built from: every page when some ended unread (the manifest names them), otherwise
    /// only the pages it lists, read by name.
    /// </summary>
    private async Task<IReadOnlyList<PageRecord>> ClaimedPagesAsync(EndpointKey key, EndpointState state, IReadOnlyList<int> listed, CancellationToken cancellationToken)
    {
        if (state.Failed + state.Deferred > 0 || listed.Count > MaxRangeReadByName)
        {
            return await QueryPagesAsync(key, cancellationToken);
        }

        var snapshots = await BatchGetChunkedAsync([.. listed.Select(p => PageDoc(key, p))], cancellationToken);
        return [.. snapshots.Select(s => s.Document).OfType<FirestoreDocument>().Select(d => ReadPage(key, d)).OrderBy(p => p.Page)];
    }

    private string RunDoc(string runId) => $"{_runs}/{FirestoreDocumentId.Encode(runId)}";

    private string BudgetDoc(string runId, string tenantId) => $"{RunDoc(runId)}/budgets/{FirestoreDocumentId.Encode(tenantId)}";

    private string EndpointDoc(EndpointKey key) => $"{RunDoc(key.RunId)}/endpoints/{Key(key)}";

    private string PageDoc(EndpointKey key, int page) =>
        $"{RunDoc(key.RunId)}/pages/{Key(key)}~{page.ToString("D5", CultureInfo.InvariantCulture)}";

    private FirestoreQuery ByKey(EndpointKey key, string collection) => new(collection)
    {
        ParentDocument = RunDoc(key.RunId),
        Filters = [new FirestoreFieldFilter("key", FirestoreFilterOperator.Equal, FirestoreValue.FromString(Key(key)))],
    };

    /// <summary>A manifest document: its record and the pages it lists.</summary>
    private sealed record StoredManifest(ManifestRecord Record, IReadOnlyList<int> Pages);

    /// <summary>What one commit does to the endpoint document's counters: increments, and the max/min transforms.</summary>
    private sealed class EndpointDelta
    {
        private readonly Dictionary<string, long> _increments = new(StringComparer.Ordinal);

        public long? MaxNextOffset { get; set; }

        public int? MinLastPage { get; init; }

        /// <summary>Fields set outright (idempotent values such as a flag), merged with the transforms.</summary>
        public Dictionary<string, FirestoreValue> Fields { get; } = new(StringComparer.Ordinal);

        public bool IsEmpty => _increments.Values.All(v => v == 0) && MaxNextOffset is null && MinLastPage is null && Fields.Count == 0;

        public void Add(string field, long by) => _increments[field] = _increments.GetValueOrDefault(field) + by;

        /// <summary>A page moves from <paramref name="from"/> (null: it had no record) to <paramref name="to"/>.</summary>
        public void Move(PageStatus? from, PageStatus to)
        {
            if (from == to)
            {
                return;
            }

            if (from is { } old)
            {
                Add(CounterField(old), -1);
            }

            Add(CounterField(to), 1);
        }

        public List<FirestoreFieldTransform> Transforms()
        {
            var transforms = _increments.Where(i => i.Value != 0).Select(i => FirestoreFieldTransform.IncrementBy(i.Key, i.Value)).ToList();
            if (MaxNextOffset is { } next)
            {
                transforms.Add(FirestoreFieldTransform.MaximumOf(MaxNextOffsetField, FirestoreValue.FromInteger(next)));
            }

            if (MinLastPage is { } last)
            {
                transforms.Add(FirestoreFieldTransform.MinimumOf(LastPageField, FirestoreValue.FromInteger(last)));
            }

            return transforms;
        }
    }
}
