using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// A loopback HTTP proxy in front of the Firestore emulator (the services' <c>FIRESTORE_EMULATOR_HOST</c>): forwards
/// every request and answer unchanged and counts the documents written, as Firestore bills them: the length of each
/// successful <c>:commit</c>'s (or <c>:batchWrite</c>'s) <c>writes</c> array, by the collection path each write names
/// (collection ids only, CloudEnvironment's <c>e2e_{id}_</c> prefix removed: <c>runs/endpoints/pages</c>, <c>limits</c>, ...).
/// </summary>
public sealed class FirestoreWriteCounter : IAsyncDisposable
{
    private static readonly string[] HopHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"];

    private readonly WebApplication _app;
    private readonly Uri _upstream;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None, MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly ConcurrentDictionary<string, long> _written = new(StringComparer.Ordinal);
    private long _commits;
    private long _failedCommits;
    private long _requests;

    private FirestoreWriteCounter(WebApplication app, Uri upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    /// <summary><c>127.0.0.1:port</c>, for FIRESTORE_EMULATOR_HOST.</summary>
    public string Host { get; private set; } = string.Empty;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Successful commits (a commit that fails writes nothing).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public long FailedCommits => Interlocked.Read(ref _failedCommits);

    /// <summary>Documents written by successful commits, by collection path.</summary>
    public IReadOnlyDictionary<string, long> WrittenByCollection => new Dictionary<string, long>(_written, StringComparer.Ordinal);

    public long Written => _written.Values.Sum();

    /// <param name="emulatorHost">The emulator's <c>host:port</c>.</param>
    public static async Task<FirestoreWriteCounter> StartAsync(string emulatorHost)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var counter = new FirestoreWriteCounter(app, new Uri("http://" + emulatorHost + "/"));
        app.Run(counter.ForwardAsync);
        await app.StartAsync();
        counter.Host = new Uri(app.Urls.First()).Authority;
        return counter;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    /// <summary><c>projects/p/databases/(default)/documents/e2e_x_runs/r1/endpoints/e1</c> → <c>runs/endpoints</c>.</summary>
    private static string CollectionPath(string name)
    {
        const string Marker = "/documents/";
        var at = name.IndexOf(Marker, StringComparison.Ordinal);
        var parts = (at < 0 ? name : name[(at + Marker.Length)..]).Split('/');
        var collections = parts.Where((_, i) => i % 2 == 0).Select(c => c.StartsWith("e2e_", StringComparison.Ordinal) ? c[(c.LastIndexOf('_') + 1)..] : c);
        return string.Join('/', collections);
    }

    private static List<string> WrittenDocuments(byte[] body)
    {
        var names = new List<string>();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("writes", out var writes))
            {
                return names;
            }

            foreach (var write in writes.EnumerateArray())
            {
                var name =
                    write.TryGetProperty("update", out var update) && update.TryGetProperty("name", out var u) ? u.GetString() :
                    write.TryGetProperty("delete", out var delete) ? delete.GetString() :
                    write.TryGetProperty("transform", out var transform) && transform.TryGetProperty("document", out var t) ? t.GetString() : null;
                names.Add(CollectionPath(name ?? "?"));
            }
        }
        catch (JsonException)
        {
            // Not a commit body this counter understands: forwarded as it is, counted as nothing.
        }

        return names;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var pathAndQuery = (context.Request.Path + context.Request.QueryString).ToString();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var path = context.Request.Path.Value ?? string.Empty;
        var writes = path.EndsWith(":commit", StringComparison.Ordinal) || path.EndsWith(":batchWrite", StringComparison.Ordinal) ? WrittenDocuments(bytes) : null;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_upstream, pathAndQuery.TrimStart('/')));
        if (bytes.Length > 0 || HttpMethods.IsPost(context.Request.Method))
        {
            request.Content = new ByteArrayContent(bytes);
        }

        foreach (var (name, value) in context.Request.Headers)
        {
            if (!HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (writes is not null)
        {
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _commits);
                foreach (var collection in writes)
                {
                    _written.AddOrUpdate(collection, 1, (_, n) => n + 1);
                }
            }
            else
            {
                Interlocked.Increment(ref _failedCommits);
            }
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }
}
