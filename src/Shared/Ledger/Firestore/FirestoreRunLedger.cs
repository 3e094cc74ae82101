using System.Globalization;
using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IRunLedger"/> on Firestore, laid out so that the hot paths never contend:
/// <list type="bullet">
/// <item><c>{prefix}runs/{run}</c>: the run (created if absent).</item>
/// <item><c>runs/{run}/pages/{tenant}~{endpoint}~{page:D5}</c>: one document per page, written without a
/// transaction (create-if-absent or an updateTime precondition, re-read and retried on a lost race) so Done stays final.</item>
/// <item><c>runs/{run}/counters/{tenant}~{endpoint}</c>: calls and throttles, blind increment transforms only.</item>
/// <item><c>runs/{run}/endpoints/{tenant}~{endpoint}</c>: the last page; written only by SetLastPage.</item>
/// <item><c>runs/{run}/manifests/{tenant}~{endpoint}~{sequence:D5}</c>: one document per manifest, with its load.</item>
/// </list>
/// MarkPending, SetLastPage and TryClaimManifest are read-modify-write transactions over one endpoint's documents
/// (rare: once per publish batch, once per endpoint, once per completion), so they serialise against each other
/// and against page writes of that endpoint only. Identifiers are encoded with <see cref="FirestoreDocumentId"/>.
/// </summary>
public sealed class FirestoreRunLedger : IRunLedger
{
    private const int MaxWritesPerCommit = 400;
    private const int MaxPageWriteAttempts = 20;

    private static readonly FirestoreTransactionOptions TransactionOptions = new() { MaxAttempts = 40 };

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

    public async Task CreateRunAsync(RunInfo run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var fields = new Dictionary<string, FirestoreValue>
        {
            ["runId"] = FirestoreValue.FromString(run.RunId),
            ["startedAt"] = FirestoreValue.FromTimestamp(run.StartedAt),
            ["tenants"] = FirestoreValue.FromArray([.. run.Tenants.Select(FirestoreValue.FromString)]),
            ["endpoints"] = FirestoreValue.FromArray([.. run.Endpoints.Select(FirestoreValue.FromString)]),
            ["full"] = FirestoreValue.FromBoolean(run.Full),
        };
        try
        {
            await _client.CommitAsync([FirestoreWrite.Create(RunDoc(run.RunId), fields)], cancellationToken: cancellationToken);
        }
        catch (FirestoreAlreadyExistsException)
        {
            // Opened before: a no-op.
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

    public async Task MarkPendingAsync(string runId, string tenantId, string endpoint, int firstPage, int lastPage, IReadOnlyDictionary<int, long>? offsets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstPage, 1);
        var key = Key(tenantId, endpoint);
        for (var chunkStart = firstPage; chunkStart <= lastPage; chunkStart += MaxWritesPerCommit)
        {
            var chunkEnd = Math.Min(lastPage, chunkStart + MaxWritesPerCommit - 1);
            var stop = await _client.RunTransactionAsync(
                async (tx, ct) =>
                {
                    // A page past the endpoint's known last page would never complete: it is not recorded.
                    var names = new List<string> { EndpointDoc(runId, key) };
                    names.AddRange(Enumerable.Range(chunkStart, chunkEnd - chunkStart + 1).Select(p => PageDoc(runId, key, p)));
                    var snapshots = await tx.GetSnapshotsAsync(names, ct);
                    var knownLast = snapshots[0].Document is { } e ? FirestoreFields.Integer(e, "lastPage") : null;
                    var upTo = knownLast is { } known ? Math.Min(chunkEnd, (int)known) : chunkEnd;
                    var now = FirestoreValue.FromTimestamp(_time.GetUtcNow());
                    for (var page = chunkStart; page <= upTo; page++)
                    {
                        var snapshot = snapshots[page - chunkStart + 1];
                        long? offset = offsets is not null && offsets.TryGetValue(page, out var value) ? value : null;
                        if (snapshot.Document is not { } existing)
                        {
                            tx.Add(FirestoreWrite.Create(snapshot.Name, PageFields(new PageRecord(runId, tenantId, endpoint, page, PageStatus.Pending, Offset: offset), key, now)));
                        }
                        else if (FirestoreFields.String(existing, "status") != nameof(PageStatus.Done))
                        {
                            var fields = new Dictionary<string, FirestoreValue>
                            {
                                ["status"] = FirestoreValue.FromString(nameof(PageStatus.Pending)),
                                ["error"] = FirestoreValue.Null,
                                ["updatedAt"] = now,
                            };
                            if (offset is { } o)
                            {
                                fields["offset"] = FirestoreValue.FromInteger(o);
                            }

                            tx.Add(FirestoreWrite.Merge(snapshot.Name, fields, FirestorePrecondition.MustExist));
                        }
                    }

                    return knownLast is { } k && k <= chunkEnd;
                },
                TransactionOptions,
                cancellationToken);
            if (stop)
            {
                return;
            }
        }
    }

    public async Task ReopenAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        var key = Key(tenantId, endpoint);
        await _client.CommitAsync(
            [FirestoreWrite.Merge(EndpointDoc(runId, key), EndpointFields(tenantId, endpoint, key, ("lastPage", FirestoreValue.Null)))],
            cancellationToken: cancellationToken);
    }

    public async Task SetLastPageAsync(string runId, string tenantId, string endpoint, int lastPage, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastPage);
        var key = Key(tenantId, endpoint);
        await _client.RunTransactionAsync(
            async (tx, ct) =>
            {
                var endpointDoc = await tx.GetSnapshotAsync(EndpointDoc(runId, key), ct);
                var known = endpointDoc.Document is { } e ? FirestoreFields.Integer(e, "lastPage") : null;
                var last = known is { } k && k < lastPage ? (int)k : lastPage;
                var pages = await tx.RunQueryAsync(PagesQuery(runId, key), ct);
                if (known != last)
                {
                    tx.Add(FirestoreWrite.Merge(EndpointDoc(runId, key), EndpointFields(tenantId, endpoint, key, ("lastPage", FirestoreValue.FromInteger(last)))));
                }

                foreach (var page in pages)
                {
                    if (FirestoreFields.String(page, "status") == nameof(PageStatus.Pending) && FirestoreFields.Integer(page, "page") > last)
                    {
                        tx.Delete(page.Name!);
                    }
                }

                return true;
            },
            TransactionOptions,
            cancellationToken);
    }

    public async Task RecordPageAsync(PageRecord page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        var key = Key(page.TenantId, page.Endpoint);
        var name = PageDoc(page.RunId, key, page.Page);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = (await _client.BatchGetAsync([name], cancellationToken: cancellationToken))[0];
            FirestorePrecondition precondition;
            var record = page with { ManifestSequence = null };
            if (snapshot.Document is { } existing)
            {
                // Done is final; the manifest sequence is the ledger's to assign, never the caller's.
                if (FirestoreFields.String(existing, "status") == nameof(PageStatus.Done))
                {
                    return;
                }

                record = record with { Offset = page.Offset ?? FirestoreFields.Integer(existing, "offset") };
                precondition = FirestorePrecondition.UpdatedAt(existing.UpdateTime!);
            }
            else
            {
                precondition = FirestorePrecondition.MustNotExist;
            }

            var fields = PageFields(record, key, FirestoreValue.FromTimestamp(page.UpdatedAt ?? _time.GetUtcNow()));
            try
            {
                await _client.CommitAsync([FirestoreWrite.Set(name, fields, precondition)], cancellationToken: cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < MaxPageWriteAttempts && e is FirestoreAlreadyExistsException or FirestorePreconditionFailedException or FirestoreAbortedException)
            {
                // Lost a race with another writer (or a claim's lock): read again.
            }
        }
    }

    public async Task CountCallsAsync(string runId, string tenantId, string endpoint, int calls, int throttles, CancellationToken cancellationToken)
    {
        var key = Key(tenantId, endpoint);
        var write = FirestoreWrite.Merge(CounterDoc(runId, key), EndpointFields(tenantId, endpoint, key))
            .WithTransforms(FirestoreFieldTransform.IncrementBy("calls", calls), FirestoreFieldTransform.IncrementBy("throttles", throttles));
        await _client.CommitAsync([write], cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<PageRecord>> GetPagesAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        var documents = await _client.RunQueryAsync(PagesQuery(runId, Key(tenantId, endpoint)), cancellationToken: cancellationToken);
        return [.. documents.Select(d => ReadPage(runId, d)).OrderBy(p => p.Page)];
    }

    public async Task<EndpointProgress> GetProgressAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        var key = Key(tenantId, endpoint);
        var docs = _client.BatchGetAsync([EndpointDoc(runId, key), CounterDoc(runId, key)], cancellationToken: cancellationToken);
        var pages = _client.RunQueryAsync(PagesQuery(runId, key), cancellationToken: cancellationToken);
        var manifests = _client.RunQueryAsync(ByKey(runId, "manifests", key), cancellationToken: cancellationToken);
        var snapshots = await docs;
        return Progress(runId, tenantId, endpoint, snapshots[0].Document, snapshots[1].Document, await pages, await manifests);
    }

    public async Task<IReadOnlyList<EndpointProgress>> GetRunProgressAsync(string runId, CancellationToken cancellationToken)
    {
        var parent = RunDoc(runId);
        var endpointsTask = _client.RunQueryAsync(new FirestoreQuery("endpoints") { ParentDocument = parent }, cancellationToken: cancellationToken);
        var countersTask = _client.RunQueryAsync(new FirestoreQuery("counters") { ParentDocument = parent }, cancellationToken: cancellationToken);
        var pagesTask = _client.RunQueryAsync(new FirestoreQuery("pages") { ParentDocument = parent }, cancellationToken: cancellationToken);
        var manifestsTask = _client.RunQueryAsync(new FirestoreQuery("manifests") { ParentDocument = parent }, cancellationToken: cancellationToken);
        var endpoints = await endpointsTask;
        var counters = await countersTask;
        var pages = await pagesTask;
        var manifests = await manifestsTask;

        var names = new Dictionary<string, (string Tenant, string Endpoint)>(StringComparer.Ordinal);
        foreach (var document in endpoints.Concat(counters).Concat(pages))
        {
            if (FirestoreFields.String(document, "key") is { } key
                && FirestoreFields.String(document, "tenantId") is { } tenant
                && FirestoreFields.String(document, "endpoint") is { } endpoint)
            {
                names.TryAdd(key, (tenant, endpoint));
            }
        }

        ILookup<string, FirestoreDocument> Group(IEnumerable<FirestoreDocument> documents) =>
            documents.ToLookup(d => FirestoreFields.String(d, "key") ?? string.Empty, StringComparer.Ordinal);
        var endpointByKey = Group(endpoints);
        var counterByKey = Group(counters);
        var pagesByKey = Group(pages);
        var manifestsByKey = Group(manifests);
        return [.. names
            .OrderBy(n => n.Value.Tenant, StringComparer.Ordinal)
            .ThenBy(n => n.Value.Endpoint, StringComparer.Ordinal)
            .Select(n => Progress(
                runId,
                n.Value.Tenant,
                n.Value.Endpoint,
                endpointByKey[n.Key].FirstOrDefault(),
                counterByKey[n.Key].FirstOrDefault(),
                [.. pagesByKey[n.Key]],
                [.. manifestsByKey[n.Key]]))];
    }

    public async Task<ManifestClaim?> TryClaimManifestAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        var key = Key(tenantId, endpoint);

        // Cheap check outside a transaction first: most callers find nothing to claim and never take a lock.
        if (!Claimable(await GetProgressAsync(runId, tenantId, endpoint, cancellationToken), await GetPagesAsync(runId, tenantId, endpoint, cancellationToken)))
        {
            return null;
        }

        return await _client.RunTransactionAsync<ManifestClaim?>(
            async (tx, ct) =>
            {
                var endpointDoc = (await tx.GetSnapshotAsync(EndpointDoc(runId, key), ct)).Document;
                var pageDocs = await tx.RunQueryAsync(PagesQuery(runId, key), ct);
                var manifestDocs = await tx.RunQueryAsync(ByKey(runId, "manifests", key), ct);
                var progress = Progress(runId, tenantId, endpoint, endpointDoc, null, pageDocs, manifestDocs);
                var pages = pageDocs.Select(d => ReadPage(runId, d)).OrderBy(p => p.Page).ToList();
                if (!Claimable(progress, pages))
                {
                    return null;
                }

                var sequence = manifestDocs.Count == 0 ? 0 : (int)manifestDocs.Max(m => FirestoreFields.Integer(m, "sequence") ?? 0) + 1;
                var listed = new List<PageRecord>();
                foreach (var page in pages)
                {
                    if (page.Status == PageStatus.Done && page.ManifestSequence is null)
                    {
                        tx.Add(FirestoreWrite.Merge(PageDoc(runId, key, page.Page), new Dictionary<string, FirestoreValue> { ["manifestSequence"] = FirestoreValue.FromInteger(sequence) }, FirestorePrecondition.MustExist));
                        listed.Add(page with { ManifestSequence = sequence });
                    }
                    else if (page.Status is PageStatus.Failed or PageStatus.Deferred or PageStatus.NotEntitled)
                    {
                        listed.Add(page);
                    }
                }

                tx.Create(ManifestDoc(runId, key, sequence), EndpointFields(tenantId, endpoint, key, ("sequence", FirestoreValue.FromInteger(sequence)), ("writtenAt", FirestoreValue.FromTimestamp(_time.GetUtcNow()))));
                return new ManifestClaim(sequence, listed);
            },
            TransactionOptions,
            cancellationToken);
    }

    public async Task MarkManifestLoadedAsync(string runId, string tenantId, string endpoint, int sequence, long rows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var key = Key(tenantId, endpoint);
        var name = ManifestDoc(runId, key, sequence);
        await _client.RunTransactionAsync(
            async (tx, ct) =>
            {
                // A loaded manifest was necessarily written; the first load recorded wins.
                var snapshot = await tx.GetSnapshotAsync(name, ct);
                var now = FirestoreValue.FromTimestamp(_time.GetUtcNow());
                var loaded = new Dictionary<string, FirestoreValue> { ["loadedRows"] = FirestoreValue.FromInteger(rows), ["loadedAt"] = now };
                if (snapshot.Document is not { } existing)
                {
                    tx.Create(name, EndpointFields(tenantId, endpoint, key, ("sequence", FirestoreValue.FromInteger(sequence)), ("writtenAt", now), ("loadedRows", loaded["loadedRows"]), ("loadedAt", now)));
                }
                else if (FirestoreFields.Timestamp(existing, "loadedAt") is null)
                {
                    tx.Update(name, loaded);
                }

                return true;
            },
            TransactionOptions,
            cancellationToken);
    }

    private static bool Claimable(EndpointProgress progress, IReadOnlyList<PageRecord> pages) =>
        progress.IsComplete && (progress.ManifestsWritten == 0 || pages.Any(p => p.Status == PageStatus.Done && p.ManifestSequence is null));

    private static string Key(string tenantId, string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return FirestoreDocumentId.Join(tenantId, endpoint);
    }

    private static Dictionary<string, FirestoreValue> EndpointFields(string tenantId, string endpoint, string key, params (string Name, FirestoreValue Value)[] more)
    {
        var fields = new Dictionary<string, FirestoreValue>
        {
            ["key"] = FirestoreValue.FromString(key),
            ["tenantId"] = FirestoreValue.FromString(tenantId),
            ["endpoint"] = FirestoreValue.FromString(endpoint),
        };
        foreach (var (name, value) in more)
        {
            fields[name] = value;
        }

        return fields;
    }

    private static Dictionary<string, FirestoreValue> PageFields(PageRecord page, string key, FirestoreValue updatedAt) => new()
    {
        ["key"] = FirestoreValue.FromString(key),
        ["tenantId"] = FirestoreValue.FromString(page.TenantId),
        ["endpoint"] = FirestoreValue.FromString(page.Endpoint),
        ["page"] = FirestoreValue.FromInteger(page.Page),
        ["status"] = FirestoreValue.FromString(page.Status.ToString()),
        ["records"] = FirestoreValue.FromInteger(page.Records),
        ["objectName"] = FirestoreFields.OrNull(page.ObjectName),
        ["offset"] = FirestoreFields.OrNull(page.Offset),
        ["nextOffset"] = FirestoreFields.OrNull(page.NextOffset),
        ["isLast"] = FirestoreValue.FromBoolean(page.IsLast),
        ["error"] = FirestoreFields.OrNull(page.Error),
        ["manifestSequence"] = FirestoreFields.OrNull(page.ManifestSequence),
        ["updatedAt"] = updatedAt,
    };

    private static PageRecord ReadPage(string runId, FirestoreDocument document) => new(
        runId,
        FirestoreFields.String(document, "tenantId") ?? string.Empty,
        FirestoreFields.String(document, "endpoint") ?? string.Empty,
        (int)(FirestoreFields.Integer(document, "page") ?? 0),
        Enum.Parse<PageStatus>(FirestoreFields.String(document, "status") ?? nameof(PageStatus.Pending)),
        (int)(FirestoreFields.Integer(document, "records") ?? 0),
        FirestoreFields.String(document, "objectName"),
        FirestoreFields.Integer(document, "offset"),
        FirestoreFields.Integer(document, "nextOffset"),
        FirestoreFields.Boolean(document, "isLast"),
        FirestoreFields.String(document, "error"),
        FirestoreFields.Integer(document, "manifestSequence") is { } sequence ? (int)sequence : null,
        FirestoreFields.Timestamp(document, "updatedAt"));

    private static RunInfo ReadRun(FirestoreDocument document) => new(
        FirestoreFields.String(document, "runId") ?? string.Empty,
        FirestoreFields.Timestamp(document, "startedAt") ?? DateTimeOffset.MinValue,
        FirestoreFields.Strings(document, "tenants"),
        FirestoreFields.Strings(document, "endpoints"),
        FirestoreFields.Boolean(document, "full"));

    private static EndpointProgress Progress(
        string runId,
        string tenantId,
        string endpoint,
        FirestoreDocument? endpointDoc,
        FirestoreDocument? counterDoc,
        IReadOnlyList<FirestoreDocument> pages,
        IReadOnlyList<FirestoreDocument> manifests)
    {
        var counts = new Dictionary<PageStatus, int>();
        long records = 0;
        foreach (var page in pages)
        {
            var status = Enum.Parse<PageStatus>(FirestoreFields.String(page, "status") ?? nameof(PageStatus.Pending));
            counts[status] = counts.GetValueOrDefault(status) + 1;
            if (status == PageStatus.Done)
            {
                records += FirestoreFields.Integer(page, "records") ?? 0;
            }
        }

        var lastPage = endpointDoc is null ? null : FirestoreFields.Integer(endpointDoc, "lastPage");
        return new EndpointProgress(
            runId,
            tenantId,
            endpoint,
            lastPage is { } last ? (int)last : null,
            Done: counts.GetValueOrDefault(PageStatus.Done),
            Failed: counts.GetValueOrDefault(PageStatus.Failed),
            Deferred: counts.GetValueOrDefault(PageStatus.Deferred),
            NotEntitled: counts.GetValueOrDefault(PageStatus.NotEntitled),
            Pending: counts.GetValueOrDefault(PageStatus.Pending),
            Records: records,
            Calls: counterDoc is null ? 0 : (int)(FirestoreFields.Integer(counterDoc, "calls") ?? 0),
            Throttles: counterDoc is null ? 0 : (int)(FirestoreFields.Integer(counterDoc, "throttles") ?? 0),
            ManifestsWritten: manifests.Count,
            ManifestsLoaded: manifests.Count(m => FirestoreFields.Timestamp(m, "loadedAt") is not null));
    }

    private string RunDoc(string runId) => $"{_runs}/{FirestoreDocumentId.Encode(runId)}";

    private string EndpointDoc(string runId, string key) => $"{RunDoc(runId)}/endpoints/{key}";

    private string CounterDoc(string runId, string key) => $"{RunDoc(runId)}/counters/{key}";

    private string PageDoc(string runId, string key, int page) =>
        $"{RunDoc(runId)}/pages/{key}~{page.ToString("D5", CultureInfo.InvariantCulture)}";

    private string ManifestDoc(string runId, string key, int sequence) =>
        $"{RunDoc(runId)}/manifests/{key}~{sequence.ToString("D5", CultureInfo.InvariantCulture)}";

    private FirestoreQuery PagesQuery(string runId, string key) => ByKey(runId, "pages", key);

    private FirestoreQuery ByKey(string runId, string collection, string key) => new(collection)
    {
        ParentDocument = RunDoc(runId),
        Filters = [new FirestoreFieldFilter("key", FirestoreFilterOperator.Equal, FirestoreValue.FromString(key))],
    };
}
