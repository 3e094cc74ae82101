namespace XeroSync.Google.Firestore;

/// <summary>
/// An open read-write transaction inside <see cref="FirestoreClient.RunTransactionAsync{T}"/>: reads go to the server
/// with the transaction id (taking locks); writes are buffered and committed when the body returns.
/// </summary>
public sealed class FirestoreTransaction
{
    private readonly FirestoreClient _client;
    private readonly List<FirestoreWrite> _writes = [];

    internal FirestoreTransaction(FirestoreClient client, string id)
    {
        _client = client;
        Id = id;
    }

    /// <summary>The transaction id (base64).</summary>
    public string Id { get; }

    /// <summary>The writes buffered so far, in order.</summary>
    public IReadOnlyList<FirestoreWrite> Writes => _writes;

    public Task<IReadOnlyList<FirestoreDocumentSnapshot>> GetSnapshotsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default) =>
        _client.BatchGetAsync(names, Id, cancellationToken);

    public async Task<FirestoreDocumentSnapshot> GetSnapshotAsync(string name, CancellationToken cancellationToken = default) =>
        (await _client.BatchGetAsync([name], Id, cancellationToken))[0];

    public Task<IReadOnlyList<FirestoreDocument>> RunQueryAsync(FirestoreQuery query, CancellationToken cancellationToken = default) =>
        _client.RunQueryAsync(query, Id, cancellationToken);

    /// <summary>Buffers a write.</summary>
    public void Add(FirestoreWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _writes.Add(write);
    }

    public void Create(string name, IReadOnlyDictionary<string, FirestoreValue> fields) => Add(FirestoreWrite.Create(name, fields));

    public void Set(string name, IReadOnlyDictionary<string, FirestoreValue> fields, FirestorePrecondition? precondition = null) =>
        Add(FirestoreWrite.Set(name, fields, precondition));

    public void Update(string name, IReadOnlyDictionary<string, FirestoreValue> fields, FirestorePrecondition? precondition = null) =>
        Add(FirestoreWrite.Merge(name, fields, precondition ?? FirestorePrecondition.MustExist));

    public void Delete(string name, FirestorePrecondition? precondition = null) => Add(FirestoreWrite.DeleteDocument(name, precondition));
}
