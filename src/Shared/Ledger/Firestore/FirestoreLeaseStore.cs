using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// Named, time-limited leases on Firestore (<c>{prefix}leases/{name}</c>), with the surface of the local
/// <c>SqliteLeaseStore</c>: taken with a create-if-absent write, taken over (expired) or renewed (own) with an updateTime
/// precondition, released with an updateTime-guarded delete. A lost race re-reads and decides again; no transactions.
/// Expiry is judged on the injected clock.
/// </summary>
public sealed class FirestoreLeaseStore : ILeaseStore
{
    private const int MaxAttempts = 10;

    private readonly FirestoreClient _client;
    private readonly TimeProvider _time;
    private readonly string _collection;

    public FirestoreLeaseStore(FirestoreClient client, TimeProvider time, string collectionPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _time = time;
        _collection = collectionPrefix + "leases";
    }

    /// <summary>
    /// Takes (or, for the current owner, renews) the lease <paramref name="name"/> for <paramref name="ttl"/>.
    /// Returns false while another owner holds an unexpired lease.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var doc = Doc(name);
        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var existing = (await _client.BatchGetAsync([doc], cancellationToken: cancellationToken))[0].Document;
            if (existing is not null
                && !string.Equals(FirestoreFields.String(existing, "owner"), owner, StringComparison.Ordinal)
                && FirestoreFields.Integer(existing, "expiresAtMicros") is { } expires
                && FirestoreDocumentId.FromMicros(expires) > now)
            {
                return false;
            }

            var fields = new Dictionary<string, FirestoreValue>
            {
                ["name"] = FirestoreValue.FromString(name),
                ["owner"] = FirestoreValue.FromString(owner),
                ["expiresAtMicros"] = FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(now + ttl)),
            };
            var precondition = existing is null ? FirestorePrecondition.MustNotExist : FirestorePrecondition.UpdatedAt(existing.UpdateTime!);
            try
            {
                await _client.CommitAsync([FirestoreWrite.Set(doc, fields, precondition)], cancellationToken: cancellationToken);
                return true;
            }
            catch (Exception e) when (e is FirestoreAlreadyExistsException or FirestorePreconditionFailedException or FirestoreAbortedException)
            {
                if (attempt >= MaxAttempts)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Releases the lease if <paramref name="owner"/> still holds it; otherwise does nothing.</summary>
    public async Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var doc = Doc(name);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var existing = (await _client.BatchGetAsync([doc], cancellationToken: cancellationToken))[0].Document;
            if (existing is null || !string.Equals(FirestoreFields.String(existing, "owner"), owner, StringComparison.Ordinal))
            {
                return;
            }

            try
            {
                await _client.CommitAsync([FirestoreWrite.DeleteDocument(doc, FirestorePrecondition.UpdatedAt(existing.UpdateTime!))], cancellationToken: cancellationToken);
                return;
            }
            catch (Exception e) when (e is FirestorePreconditionFailedException or FirestoreAbortedException)
            {
                // Changed since read: read again.
            }
        }
    }

    private string Doc(string name) => $"{_collection}/{FirestoreDocumentId.Encode(name)}";
}
