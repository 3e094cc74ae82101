namespace XeroSync.Ledger;

/// <summary>
/// Webhook freshness per (organisation, endpoint) (SQLite locally, Firestore in the cloud): the changes each targeted
/// run reads, and when they landed. Writes are idempotent: a batch lands once however often its landing is recorded.
/// </summary>
public interface IFreshnessStore
{
    /// <summary>Records the batches a targeted run is about to read; each table's last change seen keeps the latest event time.</summary>
    Task RecordSeenAsync(IReadOnlyList<ChangeBatch> batches, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the batch of <paramref name="key"/> landed at <paramref name="landedAt"/> and returns it; null when the
    /// key has no batch (not a targeted run) or its landing is already recorded.
    /// </summary>
    Task<LandedBatch?> RecordLandedAsync(EndpointKey key, DateTimeOffset landedAt, CancellationToken cancellationToken);

    /// <summary>Every (organisation, endpoint) a webhook has named, ordered by organisation then endpoint.</summary>
    Task<IReadOnlyList<TableFreshness>> ListAsync(CancellationToken cancellationToken);
}
