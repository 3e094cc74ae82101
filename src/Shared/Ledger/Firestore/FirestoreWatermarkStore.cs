using XeroSync.Contracts;
using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IWatermarkStore"/> on Firestore: <c>{prefix}watermarks/{tenant}~{endpoint}</c>. Each advance is one blind
/// write whose <c>maximum</c> transforms (the instant as integer microseconds since the epoch, the journal offset) make the
/// watermark monotonic without a transaction; a null part adds no transform, so it never overwrites.
/// </summary>
public sealed class FirestoreWatermarkStore : IWatermarkStore
{
    private readonly FirestoreClient _client;
    private readonly string _collection;

    public FirestoreWatermarkStore(FirestoreClient client, string collectionPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _collection = collectionPrefix + "watermarks";
    }

    public async Task<Watermark?> GetAsync(string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        var snapshot = (await _client.BatchGetAsync([Doc(tenantId, endpoint)], cancellationToken: cancellationToken))[0];
        if (snapshot.Document is not { } document)
        {
            return null;
        }

        var micros = FirestoreFields.Integer(document, "modifiedSinceMicros");
        return new Watermark(micros is { } m ? FirestoreDocumentId.FromMicros(m) : null, FirestoreFields.Integer(document, "journalOffset"));
    }

    public async Task AdvanceAsync(string tenantId, string endpoint, Watermark watermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        var transforms = new List<FirestoreFieldTransform>();
        if (watermark.ModifiedSince is { } modifiedSince)
        {
            transforms.Add(FirestoreFieldTransform.MaximumOf("modifiedSinceMicros", FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(modifiedSince))));
        }

        if (watermark.JournalOffset is { } offset)
        {
            transforms.Add(FirestoreFieldTransform.MaximumOf("journalOffset", FirestoreValue.FromInteger(offset)));
        }

        var fields = new Dictionary<string, FirestoreValue>
        {
            ["tenantId"] = FirestoreValue.FromString(tenantId),
            ["endpoint"] = FirestoreValue.FromString(endpoint),
        };
        var write = FirestoreWrite.Merge(Doc(tenantId, endpoint), fields) with { UpdateTransforms = transforms };
        await _client.CommitAsync([write], cancellationToken: cancellationToken);
    }

    private string Doc(string tenantId, string endpoint) => $"{_collection}/{FirestoreDocumentId.Join(tenantId, endpoint)}";
}
