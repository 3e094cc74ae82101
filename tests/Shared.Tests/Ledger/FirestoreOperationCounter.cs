using System.Text.Json;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// Counts what a Firestore client costs, as the emulator answers it: HTTP requests, documents read (batchGet
/// found/missing entries and runQuery documents, the billed reads) and documents written (writes per commit).
/// </summary>
internal sealed class FirestoreOperationCounter : DelegatingHandler
{
    private long _requests;
    private long _reads;
    private long _writes;

    public long Requests => Interlocked.Read(ref _requests);

    public long Reads => Interlocked.Read(ref _reads);

    public long Writes => Interlocked.Read(ref _writes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith(":commit", StringComparison.Ordinal) && request.Content is not null)
        {
            using var body = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
            Interlocked.Add(ref _writes, body.RootElement.TryGetProperty("writes", out var writes) ? writes.GetArrayLength() : 0);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode && (path.EndsWith(":batchGet", StringComparison.Ordinal) || path.EndsWith(":runQuery", StringComparison.Ordinal)))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var read = 0;
            foreach (var item in answer.RootElement.EnumerateArray())
            {
                // A missing document in a batchGet is billed as a read too; a runQuery item without a document is not.
                if (item.TryGetProperty("found", out _) || item.TryGetProperty("missing", out _) || item.TryGetProperty("document", out _))
                {
                    read++;
                }
            }

            Interlocked.Add(ref _reads, read);
        }

        return response;
    }
}
