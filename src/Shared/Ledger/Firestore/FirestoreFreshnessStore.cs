using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IFreshnessStore"/> on Firestore: <c>{prefix}freshness_batches/{run}~{tenant}~{endpoint}</c> holds each targeted
/// run's batch until it lands (the landing is folded into the table's document and the batch deleted; one that never lands
/// is deleted <see cref="UnlandedKept"/> after its latest event); <c>{prefix}freshness/{tenant}~{endpoint}</c> one document
/// per table. Event times only ever grow through <c>maximum</c> transforms (integer microseconds since the epoch), so
/// concurrent instances need no transaction; a landing is recorded once, its batch deleted under a precondition on the
/// batch document as read.
/// </summary>
public sealed class FirestoreFreshnessStore : IFreshnessStore
{
    /// <summary>How long a batch that has not landed is kept for a retry to land it: the next incremental has read its records long before.</summary>
    public static readonly TimeSpan UnlandedKept = TimeSpan.FromDays(7);

    private const int WritesPerCommit = 200;
    private readonly FirestoreClient _client;
    private readonly string _tables;
    private readonly string _batches;

    public FirestoreFreshnessStore(FirestoreClient client, string collectionPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _tables = collectionPrefix + "freshness";
        _batches = collectionPrefix + "freshness_batches";
    }

    public async Task RecordSeenAsync(IReadOnlyList<ChangeBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var writes = new List<FirestoreWrite>();
        foreach (var batch in batches)
        {
            writes.Add(FirestoreWrite.Merge(BatchDoc(batch.Key), new Dictionary<string, FirestoreValue>
            {
                ["runId"] = FirestoreValue.FromString(batch.RunId),
                ["tenantId"] = FirestoreValue.FromString(batch.TenantId),
                ["endpoint"] = FirestoreValue.FromString(batch.Endpoint),
                ["changes"] = FirestoreValue.FromInteger(batch.Changes),
                ["earliestEventMicros"] = Micros(batch.EarliestEvent),
                ["latestEventMicros"] = Micros(batch.LatestEvent),
            }));
            writes.Add(TableWrite(batch.TenantId, batch.Endpoint, []) with
            {
                UpdateTransforms = [FirestoreFieldTransform.MaximumOf("lastSeenMicros", Micros(batch.LatestEvent))],
            });
        }

        foreach (var chunk in writes.Chunk(WritesPerCommit))
        {
            await _client.CommitAsync(chunk, cancellationToken: cancellationToken);
        }

        if (batches.Count > 0)
        {
            // Batches that never landed, past keeping (landed ones are deleted as they land).
            var cutoff = FirestoreDocumentId.ToMicros(batches.Max(b => b.LatestEvent) - UnlandedKept);
            var stale = await _client.RunQueryAsync(
                new FirestoreQuery(_batches) { Filters = [new FirestoreFieldFilter("latestEventMicros", FirestoreFilterOperator.LessThan, FirestoreValue.FromInteger(cutoff))], Limit = WritesPerCommit },
                cancellationToken: cancellationToken);
            if (stale.Count > 0)
            {
                await _client.CommitAsync([.. stale.Select(d => FirestoreWrite.DeleteDocument(d.Name!))], cancellationToken: cancellationToken);
            }
        }
    }

    public async Task<LandedBatch?> RecordLandedAsync(EndpointKey key, DateTimeOffset landedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var snapshot = (await _client.BatchGetAsync([BatchDoc(key)], cancellationToken: cancellationToken))[0];
        if (snapshot.Document is not { UpdateTime: { } updateTime } document || document.Field("landedAtMicros") is not null ||
            FirestoreFields.Integer(document, "earliestEventMicros") is not { } earliest || FirestoreFields.Integer(document, "latestEventMicros") is not { } latest)
        {
            return null;
        }

        var batch = new ChangeBatch(key.RunId, key.TenantId, key.Endpoint, (int)(FirestoreFields.Integer(document, "changes") ?? 0), FirestoreDocumentId.FromMicros(earliest), FirestoreDocumentId.FromMicros(latest));
        var landed = new LandedBatch(batch, landedAt);
        var table = TableWrite(key.TenantId, key.Endpoint, new Dictionary<string, FirestoreValue>
        {
            ["lastLandedMicros"] = Micros(landedAt),
            ["latencyMillis"] = FirestoreValue.FromInteger((long)landed.Latency.TotalMilliseconds),
            ["lastRunId"] = FirestoreValue.FromString(key.RunId),
        }) with
        {
            UpdateTransforms =
            [
                FirestoreFieldTransform.MaximumOf("lastChangeLandedMicros", FirestoreValue.FromInteger(latest)),
                FirestoreFieldTransform.MaximumOf("lastSeenMicros", FirestoreValue.FromInteger(latest)),
            ],
        };
        try
        {
            await _client.CommitAsync(
                [FirestoreWrite.DeleteDocument(BatchDoc(key), FirestorePrecondition.UpdatedAt(updateTime)), table],
                cancellationToken: cancellationToken);
        }
        catch (FirestorePreconditionFailedException)
        {
            // Another delivery recorded this landing between the read and the write.
            return null;
        }

        return landed;
    }

    public async Task<IReadOnlyList<TableFreshness>> ListAsync(CancellationToken cancellationToken)
    {
        var documents = await _client.RunQueryAsync(new FirestoreQuery(_tables), cancellationToken: cancellationToken);
        return
        [
            .. documents
                .Select(d => new TableFreshness(
                    FirestoreFields.String(d, "tenantId") ?? string.Empty,
                    FirestoreFields.String(d, "endpoint") ?? string.Empty,
                    Time(d, "lastSeenMicros"),
                    Time(d, "lastLandedMicros"),
                    Time(d, "lastChangeLandedMicros"),
                    FirestoreFields.Integer(d, "latencyMillis") is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                    FirestoreFields.String(d, "lastRunId")))
                .OrderBy(t => t.TenantId, StringComparer.Ordinal)
                .ThenBy(t => t.Endpoint, StringComparer.Ordinal),
        ];
    }

    private static FirestoreValue Micros(DateTimeOffset value) => FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(value));

    private static DateTimeOffset? Time(FirestoreDocument document, string field) =>
        FirestoreFields.Integer(document, field) is { } micros ? FirestoreDocumentId.FromMicros(micros) : null;

    private FirestoreWrite TableWrite(string tenantId, string endpoint, Dictionary<string, FirestoreValue> fields)
    {
        fields["tenantId"] = FirestoreValue.FromString(tenantId);
        fields["endpoint"] = FirestoreValue.FromString(endpoint);
        return FirestoreWrite.Merge($"{_tables}/{FirestoreDocumentId.Join(tenantId, endpoint)}", fields);
    }

    private string BatchDoc(EndpointKey key) => $"{_batches}/{FirestoreDocumentId.Join(key.RunId, key.TenantId, key.Endpoint)}";
}
