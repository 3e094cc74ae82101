using XeroSync.Google.Firestore;
using XeroSync.Webhooks;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IWebhookStateStore"/> on Firestore, shared by every Dispatcher instance: <c>{prefix}webhook_sequence/xero</c>
/// holds the highest sequence seen, the open holes and, per organisation and endpoint, how webhook events arrive
/// (<see cref="QuietWatch"/>; Xero numbers events per webhook subscription: one document),
/// <c>{prefix}webhook_sent/{tenant}~{endpoint}~{record}</c> the latest event time sent for reading of a record (integer
/// microseconds since the epoch) and <c>expireAt</c>, a day past Xero's 24 hours of retries (Terraform's TTL policy deletes
/// it then). Each update writes under a precondition on the documents as read, so two instances deciding on the same
/// document at once are serialised: the second decides again on the first's result. The sent records are read and
/// written in one transaction. The sequence document takes every payload's update, so it is kept without a transaction's
/// locks (with them, the emulator's transactions timed out at 32 payloads at once over 4 instances, and 16 over 2 took
/// 29 s): an instance stores one sequence update at a time, the updates that arrived meanwhile go together into the next
/// (each deciding on the state the one before it left, one write for all), and the write is a compare and swap on the
/// document's update time, decided again after a short jittered backoff when another instance wrote first. An update that
/// still cannot be stored fails, so its payload is answered 500 and Xero sends it again.
/// </summary>
public sealed class FirestoreWebhookStateStore : IWebhookStateStore
{
    /// <summary>How long a record's sent time is kept: Xero retries a payload for 24 hours.</summary>
    public static readonly TimeSpan SentKept = TimeSpan.FromHours(48);

    /// <summary>Documents read and written per transaction (Firestore allows 500 writes per commit).</summary>
    private const int RecordsPerTransaction = 200;

    /// <summary>
    /// Attempts at the sequence document's compare and swap: enough for several instances writing at once (each round one
    /// of them wins), short enough to answer Xero within its 5 s (about 2 s of backoff at most).
    /// </summary>
    private static readonly FirestoreTransactionOptions SequenceAttempts = new() { MaxAttempts = 8, InitialBackoff = TimeSpan.FromMilliseconds(25), MaxBackoff = TimeSpan.FromMilliseconds(500) };

    private readonly FirestoreClient _client;
    private readonly TimeProvider _time;
    private readonly string _sequence;
    private readonly string _sent;
    private readonly Lock _sequenceGate = new();
    private readonly List<SequenceUpdate> _queued = [];
    private bool _draining;

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

    public async Task<T> UpdateSequenceAsync<T>(Func<SequenceState, (SequenceState State, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var update = new SequenceUpdate(
            state =>
            {
                var (next, result) = decide(state);
                return (next, result);
            },
            cancellationToken);
        bool start;
        lock (_sequenceGate)
        {
            _queued.Add(update);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            _ = Task.Run(DrainSequenceUpdatesAsync, CancellationToken.None);
        }

        return (T)(await update.Done.Task.WaitAsync(cancellationToken))!;
    }

    /// <summary>Stores the queued sequence updates, those queued together with one compare and swap, until none is left.</summary>
    private async Task DrainSequenceUpdatesAsync()
    {
        while (true)
        {
            List<SequenceUpdate> group;
            lock (_sequenceGate)
            {
                group = [.. _queued.Where(u => !u.Done.Task.IsCompleted)];
                _queued.Clear();
                if (group.Count == 0)
                {
                    _draining = false;
                    return;
                }
            }

            foreach (var cancelled in group.Where(u => u.CancellationToken.IsCancellationRequested))
            {
                cancelled.Done.TrySetCanceled(cancelled.CancellationToken);
            }

            group.RemoveAll(u => u.Done.Task.IsCompleted);
            if (group.Count == 0)
            {
                continue;
            }

            try
            {
                var outcomes = await StoreSequenceAsync(group);
                foreach (var (update, (result, error)) in group.Zip(outcomes))
                {
                    _ = error is null ? update.Done.TrySetResult(result) : update.Done.TrySetException(error);
                }
            }
            catch (Exception ex)
            {
                foreach (var update in group)
                {
                    update.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// Applies the group's decisions in order to the document as read and stores the result with one compare and swap
    /// (decided again if another instance wrote first). Not any one caller's token: the group's other updates still want
    /// their answer.
    /// </summary>
    private Task<List<(object? Result, Exception? Error)>> StoreSequenceAsync(List<SequenceUpdate> group) =>
        _client.CompareAndSetAsync(
            _sequence,
            snapshot =>
            {
                var state = snapshot.Document is { } document ? ReadSequence(document) : SequenceState.Empty;
                var results = new List<(object? Result, Exception? Error)>(group.Count);
                foreach (var update in group)
                {
                    try
                    {
                        (state, var result) = update.Decide(state);
                        results.Add((result, null));
                    }
                    catch (Exception ex)
                    {
                        // That caller's own failure: its decision is left out, the others' stand.
                        results.Add((null, ex));
                    }
                }

                return ((IReadOnlyDictionary<string, FirestoreValue>)WriteSequence(state), results);
            },
            SequenceAttempts,
            CancellationToken.None);

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
        var activity = document.Field("activity")?.ArrayValue?.Values ?? [];
        return new SequenceState(
            FirestoreFields.Integer(document, "highest"),
            [
                .. holes.Select(h => h.MapValue?.Fields).OfType<IReadOnlyDictionary<string, FirestoreValue>>().Select(f => new SequenceHole(
                    f["from"].AsInteger() ?? 0,
                    f["to"].AsInteger() ?? 0,
                    FirestoreDocumentId.FromMicros(f["openedAtMicros"].AsInteger() ?? 0))),
            ])
        {
            Activity =
            [
                .. activity.Select(a => a.MapValue?.Fields).OfType<IReadOnlyDictionary<string, FirestoreValue>>().Select(f => new CategoryActivity(
                    f["tenantId"].StringValue ?? string.Empty,
                    f["endpoint"].StringValue ?? string.Empty,
                    FirestoreDocumentId.FromMicros(f["lastEventMicros"].AsInteger() ?? 0),
                    (int)(f["gaps"].AsInteger() ?? 0),
                    TimeSpan.FromMilliseconds(f["usualGapMillis"].AsInteger() ?? 0),
                    f["triggered"].BooleanValue ?? false)),
            ],
        };
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
        ["activity"] = FirestoreValue.FromArray(
        [
            .. state.Activity.Select(a => FirestoreValue.FromMap(new Dictionary<string, FirestoreValue>
            {
                ["tenantId"] = FirestoreValue.FromString(a.TenantId),
                ["endpoint"] = FirestoreValue.FromString(a.Endpoint),
                ["lastEventMicros"] = FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(a.LastEvent)),
                ["gaps"] = FirestoreValue.FromInteger(a.Gaps),
                ["usualGapMillis"] = FirestoreValue.FromInteger((long)a.UsualGap.TotalMilliseconds),
                ["triggered"] = FirestoreValue.FromBoolean(a.Triggered),
            })),
        ]),
    };

    private string SentDoc(SentRecord record) => $"{_sent}/{FirestoreDocumentId.Join(record.TenantId, record.Endpoint, record.RecordId)}";

    /// <summary>One caller's sequence decision waiting for the instance's next sequence transaction.</summary>
    private sealed record SequenceUpdate(Func<SequenceState, (SequenceState State, object? Result)> Decide, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
