using System.Collections.Concurrent;
using System.Text.Json;

namespace XeroSync.Tests.RateLimiting;

/// <summary>
/// Counts Firestore commits and the document writes they carry (every attempt, failed ones too), each stamped with the
/// given clock's time so a figure can leave out the first claims.
/// </summary>
internal sealed class CountingHandler(TimeProvider? clock = null) : DelegatingHandler
{
    private readonly ConcurrentQueue<(DateTimeOffset At, int Documents)> _commits = new();

    public long Commits => _commits.Count;

    public long Documents => _commits.Sum(c => (long)c.Documents);

    /// <summary>Document writes in commits sent at or after <paramref name="from"/>.</summary>
    public long DocumentsSince(DateTimeOffset from) => _commits.Where(c => c.At >= from).Sum(c => (long)c.Documents);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith(":commit", StringComparison.Ordinal) && request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(body);
            _commits.Enqueue(((clock ?? TimeProvider.System).GetUtcNow(), json.RootElement.TryGetProperty("writes", out var writes) ? writes.GetArrayLength() : 0));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
