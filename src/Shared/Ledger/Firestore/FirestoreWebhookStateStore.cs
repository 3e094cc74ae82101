using XeroSync.Google.Firestore;
using XeroSync.Webhooks;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IWebhookStateStore"/> on Firestore, shared by every Dispatcher instance: <c>{prefix}webhook_sequence/xero</c>
/// holds the highest sequence seen and the open holes (Xero numbers events per webhook subscription: one document),
/// <c>{prefix}webhook_sent/{tenant}~{endpoint}~{record}</c> the latest event time sent for reading of a record (integer
/// microseconds since the epoch) and <c>expireAt</c>, a day past Xero's 24 hours of retries (Terraform's TTL policy deletes
/// it then). Each update reads and writes inside one transaction, the write under a precondition on the document as read,
/// so two instances deciding on the same document at once are serialised: the second decides again on the first's result.
/// </summary>
public sealed class FirestoreWebhookStateStore : IWebhookStateStore
{
    /// <summary>How long a record's sent time is kept: Xero retries a payload for 24 hours.</summary>
    public static readonly TimeSpan SentKept = TimeSpan.FromHours(48);

    /// <summary>Documents read and written per transaction (Firestore allows 500 writes per commit).</summary>
    private const int RecordsPerTransaction = 200;

    private readonly FirestoreClient _client;
    private readonly TimeProvider _time;
    private readonly string _sequence;
    private readonly string _sent;

    public FirestoreWebhookStateStore(FirestoreClient client, TimeProvider time, string collectionPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _time = time;
        _sequence = collectionPrefix + "webhook_sequence/xero";
        _sent = collectionPrefix + "webhook_sent";
    }

    public Task<T> UpdateSequenceAsync<T>(Func<SequenceState, (SequenceState State, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return _client.RunTransactionAsync(
            async (transaction, ct) =>
            {
                var snapshot = await transaction.GetSnapshotAsync(_sequence, ct);
                var (state, result) = decide(snapshot.Document is { } document ? ReadSequence(document) : SequenceState.Empty);
                transaction.Set(_sequence, WriteSequence(state), Precondition(snapshot));
                return result;
            },
            cancellationToken: cancellationToken);
    }

    public async Task<T> UpdateSentAsync<T>(IReadOnlyList<SentRecord> records, Func<IReadOnlyDictionary<SentRecord, DateTimeOffset>, (IReadOnlyDictionary<SentRecord, DateTimeOffset?> Writes, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decide);
        var distinct = records.Distinct().ToList();
        if (distinct.Count > RecordsPerTransaction)
        {
            throw new ArgumentException($"At most {RecordsPerTransaction} records per update.", nameof(records));
        }

        return await _client.RunTransactionAsync(
            async (transaction, ct) =>
            {
                var names = distinct.Select(SentDoc).ToList();
                var snapshots = await transaction.GetSnapshotsAsync(names, ct);
                var byName = names.Zip(snapshots).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
                var sent = new Dictionary<SentRecord, DateTimeOffset>();
                foreach (var record in distinct)
                {
                    if (byName.TryGetValue(SentDoc(record), out var snapshot) && snapshot.Document is { } document &&
                        FirestoreFields.Integer(document, "sentUpToMicros") is { } micros)
                    {
                        sent[record] = FirestoreDocumentId.FromMicros(micros);
                    }
                }

                var (writes, result) = decide(sent);
                var expireAt = _time.GetUtcNow() + SentKept;
                foreach (var (record, upTo) in writes)
                {
                    var name = SentDoc(record);
                    var precondition = byName.TryGetValue(name, out var read) ? Precondition(read) : null;
                    if (upTo is { } time)
                    {
                        transaction.Set(name, new Dictionary<string, FirestoreValue>
                        {
                            ["tenantId"] = FirestoreValue.FromString(record.TenantId),
                            ["endpoint"] = FirestoreValue.FromString(record.Endpoint),
                            ["recordId"] = FirestoreValue.FromString(record.RecordId),
                            ["sentUpToMicros"] = FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(time)),
                            ["expireAt"] = FirestoreValue.FromTimestamp(expireAt),
                        }, precondition);
                    }
                    else
                    {
                        transaction.Delete(name, precondition);
                    }
                }

                return result;
            },
            cancellationToken: cancellationToken);
    }

    private static FirestorePrecondition? Precondition(FirestoreDocumentSnapshot? snapshot) =>
        snapshot?.Document is { UpdateTime: { } updateTime } ? FirestorePrecondition.UpdatedAt(updateTime) : null;

    private static SequenceState ReadSequence(FirestoreDocument document)
    {
        var holes = document.Field("holes")?.ArrayValue?.Values ?? [];
        return new SequenceState(
            FirestoreFields.Integer(document, "highest"),
            [
                .. holes.Select(h => h.MapValue?.Fields).OfType<IReadOnlyDictionary<string, FirestoreValue>>().Select(f => new SequenceHole(
                    f["from"].AsInteger() ?? 0,
                    f["to"].AsInteger() ?? 0,
                    FirestoreDocumentId.FromMicros(f["openedAtMicros"].AsInteger() ?? 0))),
            ]);
    }

    private static Dictionary<string, FirestoreValue> WriteSequence(SequenceState state) => new()
    {
        ["highest"] = FirestoreFields.OrNull(state.Highest),
        ["holes"] = FirestoreValue.FromArray(
        [
            .. state.Holes.Select(h => FirestoreValue.FromMap(new Dictionary<string, FirestoreValue>
            {
                ["from"] = FirestoreValue.FromInteger(h.From),
                ["to"] = FirestoreValue.FromInteger(h.To),
                ["openedAtMicros"] = FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(h.OpenedAt)),
            })),
        ]),
    };

    private string SentDoc(SentRecord record) => $"{_sent}/{FirestoreDocumentId.Join(record.TenantId, record.Endpoint, record.RecordId)}";
}
