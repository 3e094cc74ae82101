using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using XeroSync.Google.SecretManager;

namespace XeroSync.Tests.Gcs;

/// <summary>
/// Kestrel on 127.0.0.1:0 implementing the JSON API subset <c>Google.Cloud.Storage.V1.StorageClient</c> uses for one
/// bucket: resumable upload (initiate + PUT) with <c>ifGenerationMatch</c>, media download (<c>alt=media</c>), list with
/// <c>prefix</c> and <c>pageToken</c>. Objects live in memory; every request is recorded.
/// Like Eventarc, creating a manifest (<c>.../_manifest*.json</c>) POSTs a binary-mode CloudEvent
/// <c>google.cloud.storage.object.v1.finalized</c> to <see cref="FinalizeTarget"/>, retrying non-2xx answers.
/// (Copied from Shared.Tests' FakeGcsServer, with the finalize hook added.)
/// </summary>
public sealed class FakeGcsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GcsRecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingUpload> _sessions = new(StringComparer.Ordinal);
    private readonly string _bucket;
    private readonly int _listPageSize;
    private readonly bool _checkAtInitiate;
    private readonly ConcurrentBag<Task> _deliveries = [];
    private readonly ConcurrentQueue<FinalizeDelivery> _finalizeDeliveries = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _eventHttp = new() { Timeout = TimeSpan.FromSeconds(120) };
    private long _generation = 1_700_000_000_000_000;
    private int _eventCounter;
    private int _sessionCounter;

    private FakeGcsServer(WebApplication app, string bucket, int listPageSize, bool checkAtInitiate)
    {
        _checkAtInitiate = checkAtInitiate;
        _app = app;
        _bucket = bucket;
        _listPageSize = listPageSize;
    }

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<GcsRecordedRequest> Requests => [.. _requests];

    /// <summary>Where finalize CloudEvents for manifests go (the Worker's <c>/events</c>); null: none are sent.</summary>
    public Uri? FinalizeTarget { get; set; }

    /// <summary>How many times a finalize event is attempted before it is given up (Eventarc retries for longer).</summary>
    public int FinalizeAttempts { get; set; } = 20;

    /// <summary>How many times each finalize event is delivered (Eventarc is at-least-once: 2 delivers every event twice, concurrently).</summary>
    public int FinalizeCopies { get; set; } = 1;

    /// <summary>Every finalize delivery attempt: object name and HTTP status (0 when the request failed).</summary>
    public IReadOnlyList<FinalizeDelivery> FinalizeDeliveries => [.. _finalizeDeliveries];

    /// <summary>Finalize events still being delivered.</summary>
    public int PendingFinalizeEvents => _deliveries.Count(t => !t.IsCompleted);

    /// <summary>Completes when every finalize event started so far has been delivered (or has given up): a wait on the deliveries themselves.</summary>
    public Task FinalizeEventsSettledAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.WhenAll([.. _deliveries]).WaitAsync(timeout, cancellationToken);

    public IReadOnlyDictionary<string, byte[]> Objects => _objects.ToDictionary(o => o.Key, o => o.Value.Content, StringComparer.Ordinal);

    /// <param name="checkPreconditionAtInitiate">False: only the final PUT checks <c>ifGenerationMatch</c> (two writers racing).</param>
    public static async Task<FakeGcsServer> StartAsync(string bucket, int listPageSize = 1000, bool checkPreconditionAtInitiate = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeGcsServer(app, bucket, listPageSize, checkPreconditionAtInitiate);
        app.Run(async context =>
        {
            try
            {
                await server.HandleAsync(context);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                await ErrorAsync(context, 500, "FakeGcsServer: " + e.Message);
            }
        });
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public void Put(string name, byte[] content, string contentType = "application/octet-stream") =>
        _objects[name] = new StoredObject(content, contentType, Interlocked.Increment(ref _generation));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_deliveries);
        }
        catch (OperationCanceledException)
        {
        }

        _eventHttp.Dispose();
        _stopping.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Crc32CBase64(byte[] content)
    {
        var crc = Crc32C.Compute(content);
        var bytes = new[] { (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc };
        return Convert.ToBase64String(bytes);
    }

    private async Task HandleAsync(HttpContext context)
    {
        // The client gzips JSON request bodies at the HTTP level (Content-Encoding: gzip); decode like GCS does.
        using var body = new MemoryStream();
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(context.Request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(body, context.RequestAborted);
        }
        else
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        }

        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path.Value ?? string.Empty;
        var request = new GcsRecordedRequest(context.Request.Method, path, query, body.ToArray(), headers);
        _requests.Enqueue(request);

        var bucketPath = $"/storage/v1/b/{_bucket}/o";
        var uploadPath = $"/upload/storage/v1/b/{_bucket}/o";
        if (request.Method == "POST" && path == uploadPath && query.GetValueOrDefault("uploadType") == "resumable")
        {
            await InitiateAsync(context, request);
        }
        else if (request.Method == "PUT" && path == uploadPath && query.TryGetValue("upload_id", out var sessionId))
        {
            await CompleteAsync(context, request, sessionId);
        }
        else if (request.Method == "GET" && path == bucketPath)
        {
            await ListAsync(context, query);
        }
        else if (request.Method == "GET" && path.StartsWith(bucketPath + "/", StringComparison.Ordinal) && query.GetValueOrDefault("alt") == "media")
        {
            var name = Uri.UnescapeDataString(path[(bucketPath.Length + 1)..]);
            if (!_objects.TryGetValue(name, out var stored))
            {
                await ErrorAsync(context, 404, $"No such object: {_bucket}/{name}");
                return;
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = stored.ContentType;
            context.Response.Headers["x-goog-hash"] = $"crc32c={Crc32CBase64(stored.Content)}";
            context.Response.Headers["x-goog-generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
            await context.Response.Body.WriteAsync(stored.Content, context.RequestAborted);
        }
        else
        {
            await ErrorAsync(context, 400, $"FakeGcsServer does not implement {request}");
        }
    }

    private async Task InitiateAsync(HttpContext context, GcsRecordedRequest request)
    {
        using var metadata = JsonDocument.Parse(request.Body);
        var name = metadata.RootElement.GetProperty("name").GetString()!;
        var contentType = metadata.RootElement.TryGetProperty("contentType", out var ct) ? ct.GetString()! : "application/octet-stream";
        if (_checkAtInitiate && request.Query.GetValueOrDefault("ifGenerationMatch") == "0" && _objects.ContainsKey(name))
        {
            await ErrorAsync(context, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }

        var id = "session-" + Interlocked.Increment(ref _sessionCounter).ToString(CultureInfo.InvariantCulture);
        _sessions[id] = new PendingUpload(name, contentType, request.Query.GetValueOrDefault("ifGenerationMatch"));
        context.Response.StatusCode = 200;
        context.Response.Headers.Location = new Uri(BaseUri, $"upload/storage/v1/b/{_bucket}/o?uploadType=resumable&upload_id={id}").ToString();
    }

    private async Task CompleteAsync(HttpContext context, GcsRecordedRequest request, string sessionId)
    {
        if (!_sessions.TryRemove(sessionId, out var pending))
        {
            await ErrorAsync(context, 404, "No such upload session.");
            return;
        }

        var stored = new StoredObject(request.Body, pending.ContentType, Interlocked.Increment(ref _generation));
        var added = pending.IfGenerationMatch == "0" ? _objects.TryAdd(pending.Name, stored) : (_objects[pending.Name] = stored) is not null;
        if (!added)
        {
            await ErrorAsync(context, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }

        await JsonAsync(context, 200, Resource(pending.Name, stored));
        if (FinalizeTarget is { } target && IsManifest(pending.Name))
        {
            var id = "finalize-" + Interlocked.Increment(ref _eventCounter).ToString(CultureInfo.InvariantCulture);
            for (var copy = 0; copy < FinalizeCopies; copy++)
            {
                _deliveries.Add(Task.Run(() => DeliverFinalizeAsync(target, id, pending.Name, stored)));
            }
        }
    }

    private static bool IsManifest(string name) =>
        name.EndsWith(".json", StringComparison.Ordinal) && name.Contains("/_manifest", StringComparison.Ordinal);

    private async Task DeliverFinalizeAsync(Uri target, string id, string name, StoredObject stored)
    {
        var data = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "storage#object",
            ["bucket"] = _bucket,
            ["name"] = name,
            ["generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture),
            ["metageneration"] = "1",
            ["size"] = stored.Content.Length.ToString(CultureInfo.InvariantCulture),
            ["contentType"] = stored.ContentType,
            ["crc32c"] = Crc32CBase64(stored.Content),
        });
        var token = _stopping.Token;
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; attempt <= FinalizeAttempts && !token.IsCancellationRequested; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new StringContent(data, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("ce-id", id);
            request.Headers.Add("ce-source", $"//storage.googleapis.com/projects/_/buckets/{_bucket}");
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-type", "google.cloud.storage.object.v1.finalized");
            request.Headers.Add("ce-subject", "objects/" + name);
            request.Headers.Add("ce-bucket", _bucket);
            request.Headers.Add("ce-time", TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            var status = 0;
            try
            {
                using var response = await _eventHttp.SendAsync(request, token);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _finalizeDeliveries.Enqueue(new FinalizeDelivery(name, status));
            if (status is >= 200 and < 300)
            {
                return;
            }

            // Eventarc's exponential backoff, compressed for tests.
            try
            {
                await Task.Delay(delay, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
        }
    }

    private async Task ListAsync(HttpContext context, Dictionary<string, string> query)
    {
        var prefix = query.GetValueOrDefault("prefix") ?? string.Empty;
        var names = _objects.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var start = query.TryGetValue("pageToken", out var token) ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = names.Skip(start).Take(_listPageSize).ToList();
        var result = new Dictionary<string, object> { ["kind"] = "storage#objects" };
        if (page.Count > 0)
        {
            result["items"] = page.Select(n => Resource(n, _objects[n])).ToList();
        }

        if (start + page.Count < names.Count)
        {
            result["nextPageToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        await JsonAsync(context, 200, result);
    }

    private Dictionary<string, object> Resource(string name, StoredObject stored) => new()
    {
        ["kind"] = "storage#object",
        ["bucket"] = _bucket,
        ["name"] = name,
        ["generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture),
        ["contentType"] = stored.ContentType,
        ["size"] = stored.Content.Length.ToString(CultureInfo.InvariantCulture),
        ["crc32c"] = Crc32CBase64(stored.Content),
    };

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        JsonAsync(context, status, new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, object> { ["code"] = status, ["message"] = message, ["errors"] = new[] { new Dictionary<string, object> { ["message"] = message, ["reason"] = status == 412 ? "conditionNotMet" : "invalid" } } },
        });

    private static async Task JsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    public sealed record FinalizeDelivery(string Name, int Status);

    private sealed record StoredObject(byte[] Content, string ContentType, long Generation);

    private sealed record PendingUpload(string Name, string ContentType, string? IfGenerationMatch);
}
