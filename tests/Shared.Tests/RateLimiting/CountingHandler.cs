using System.Text.Json;

namespace XeroSync.Tests.RateLimiting;

/// <summary>Counts Firestore commits and the document writes they carry (every attempt, failed ones too).</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private long _commits;
    private long _documents;

    public long Commits => Interlocked.Read(ref _commits);

    public long Documents => Interlocked.Read(ref _documents);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith(":commit", StringComparison.Ordinal) && request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(body);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _documents, json.RootElement.TryGetProperty("writes", out var writes) ? writes.GetArrayLength() : 0);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
