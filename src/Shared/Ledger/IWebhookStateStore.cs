using XeroSync.Webhooks;

namespace XeroSync.Ledger;

/// <summary>
/// Where the webhook receiver keeps what must outlive one process and be shared by every instance (SQLite locally,
/// Firestore in the cloud): the event sequence (highest seen, open holes) and, per record, the latest event time sent
/// for reading. The store only persists: each update reads the current state, hands it to the caller's decision (which
/// may run more than once, so it must only compute), and stores what it returns atomically, so concurrent instances
/// each decide on the state the other left.
/// </summary>
public interface IWebhookStateStore
{
    /// <summary>Reads the sequence state, stores <paramref name="decide"/>'s new state atomically, returns its result.</summary>
    Task<T> UpdateSequenceAsync<T>(Func<SequenceState, (SequenceState State, T Result)> decide, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the latest event time sent for reading of each of <paramref name="records"/> (absent: never, or forgotten),
    /// stores what <paramref name="decide"/> returns (a time to keep, or null to forget the record) atomically, returns its result.
    /// </summary>
    Task<T> UpdateSentAsync<T>(IReadOnlyList<SentRecord> records, Func<IReadOnlyDictionary<SentRecord, DateTimeOffset>, (IReadOnlyDictionary<SentRecord, DateTimeOffset?> Writes, T Result)> decide, CancellationToken cancellationToken);
}
