using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// What sits between Pub/Sub (and Eventarc) and a service's instances: Kestrel on loopback that forwards each push
/// (<c>/pubsub</c>) and finalize event (<c>/events</c>) to the next live Worker, round-robin, and answers with that
/// Worker's answer. A push to a Worker that dies fails (502), which Pub/Sub sees as a nack and redelivers.
/// Counts, per Worker, what it forwarded and what is in flight (with the decoded FetchRequest), and signals
/// <see cref="WhenBusyAsync"/> waiters.
/// </summary>
internal sealed class PushForwarder : IAsyncDisposable
{
    private static readonly string[] HopHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Keep-Alive"];

    private readonly WebApplication _app;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromMinutes(10) };
    private readonly object _gate = new();
    private readonly List<Target> _targets = [];
    private readonly ConcurrentDictionary<long, ForwardedPush> _inFlight = new();
    private readonly ConcurrentQueue<ForwardedPush> _finished = new();
    private readonly List<(string Target, int Acked, int InFlight, TaskCompletionSource Signal)> _waiters = [];
    private long _ids;
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    private PushForwarder(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Every forwarded push and event that has ended (answered or failed), in the order they ended.</summary>
    public IReadOnlyList<ForwardedPush> Finished => [.. _finished];

    public static async Task<PushForwarder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var forwarder = new PushForwarder(app);
        app.Run(forwarder.ForwardAsync);
        await app.StartAsync();
        forwarder.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return forwarder;
    }

    public void Add(string name, Uri baseUri)
    {
        lock (_gate)
        {
            _targets.Add(new Target(name, baseUri));
        }
    }

    /// <summary>Takes a Worker out of the rotation (as a load balancer does once an instance is gone).</summary>
    public void MarkDead(string name)
    {
        lock (_gate)
        {
            _targets.Single(t => t.Name == name).Alive = false;
        }
    }

    /// <summary>Pushes (<c>/pubsub</c>) to <paramref name="name"/> still waiting for its answer, with their FetchRequests.</summary>
    public IReadOnlyList<ForwardedPush> InFlight(string name) =>
        [.. _inFlight.Values.Where(p => p.Target == name && p.Path == "/pubsub").OrderBy(p => p.Id)];

    /// <summary>Pushes to <paramref name="name"/> answered with a 2xx (acknowledged).</summary>
    public int Acked(string name) => _finished.Count(p => p.Target == name && p.Path == "/pubsub" && p.Status is >= 200 and < 300);

    /// <summary>Completes once <paramref name="name"/> has acknowledged at least <paramref name="acked"/> pushes and has at least <paramref name="inFlight"/> in flight.</summary>
    public Task WhenBusyAsync(string name, int acked, int inFlight)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((name, acked, inFlight, signal));
        }

        CheckWaiters();
        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private static ForwardedPush Describe(long id, string target, string path, byte[] body, DateTimeOffset started)
    {
        if (path != "/pubsub")
        {
            return new ForwardedPush(id, target, path, null, null, started);
        }

        try
        {
            using var push = JsonDocument.Parse(body);
            var message = push.RootElement.GetProperty("message");
            var messageId = message.TryGetProperty("messageId", out var m) ? m.GetString() : null;
            var data = message.GetProperty("data").GetString();
            var request = data is null ? null : JsonSerializer.Deserialize(Convert.FromBase64String(data), PipelineJsonContext.Default.FetchRequest);
            return new ForwardedPush(id, target, path, request, messageId, started);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return new ForwardedPush(id, target, path, null, null, started);
        }
    }

    /// <summary>The next live Worker for this path (pushes and events rotate independently).</summary>
    private Target? Pick(string path)
    {
        lock (_gate)
        {
            var alive = _targets.Where(t => t.Alive).ToList();
            if (alive.Count == 0)
            {
                return null;
            }

            var next = _next.GetValueOrDefault(path);
            _next[path] = next + 1;
            return alive[next % alive.Count];
        }
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var path = context.Request.Path.Value ?? "/";
        var target = Pick(path);
        if (target is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var push = Describe(Interlocked.Increment(ref _ids), target.Name, path, bytes, TimeProvider.System.GetUtcNow());
        _inFlight[push.Id] = push;
        CheckWaiters();
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.BaseUri, path.TrimStart('/') + context.Request.QueryString)) { Content = new ByteArrayContent(bytes) };
            foreach (var (name, value) in context.Request.Headers)
            {
                if (HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }

            using var response = await _http.SendAsync(request, context.RequestAborted);
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            if (response.Content.Headers.ContentType is { } contentType)
            {
                context.Response.ContentType = contentType.ToString();
            }

            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            // The Worker died (connection refused or reset mid-request): a failed push, redelivered by Pub/Sub.
            status = StatusCodes.Status502BadGateway;
            context.Response.StatusCode = status;
        }
        catch (OperationCanceledException)
        {
            status = 499;
        }
        finally
        {
            _inFlight.TryRemove(push.Id, out _);
            _finished.Enqueue(push with { Status = status, Ended = TimeProvider.System.GetUtcNow() });
            CheckWaiters();
        }
    }

    private void CheckWaiters()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (name, acked, inFlight, signal) = _waiters[i];
                if (Acked(name) >= acked && InFlight(name).Count >= inFlight)
                {
                    _waiters.RemoveAt(i);
                    signal.TrySetResult();
                }
            }
        }
    }

    private sealed class Target(string name, Uri baseUri)
    {
        public string Name { get; } = name;

        public Uri BaseUri { get; } = baseUri;

        public bool Alive { get; set; } = true;
    }
}
