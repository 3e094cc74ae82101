using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace XeroSync.Bench;

/// <summary>
/// Where the push subscription (and the finalize events) point for figure 4: keeps the first body of every pushed
/// message (its headers too) and acknowledges everything, so the bench can replay the pushes to a Worker at once,
/// as Pub/Sub would with that many messages outstanding.
/// </summary>
public sealed class PushCapture : IAsyncDisposable
{
    private static readonly string[] HopHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Keep-Alive"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, CapturedPush> _pushes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];

    private PushCapture(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Every distinct message pushed so far, in no particular order.</summary>
    public IReadOnlyList<CapturedPush> Pushes => [.. _pushes.Values];

    public static async Task<PushCapture> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var capture = new PushCapture(app);
        app.Run(capture.CaptureAsync);
        await app.StartAsync();
        capture.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return capture;
    }

    /// <summary>Completes once at least <paramref name="count"/> distinct messages were pushed.</summary>
    public Task WhenCapturedAsync(int count)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((count, signal));
        }

        Check();
        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CaptureAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (context.Request.Path == "/pubsub")
        {
            var bytes = body.ToArray();
            string? messageId = null;
            try
            {
                using var push = JsonDocument.Parse(bytes);
                messageId = push.RootElement.GetProperty("message").GetProperty("messageId").GetString();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // Not a wrapped push: nothing to replay.
            }

            if (messageId is not null)
            {
                var headers = context.Request.Headers.Where(h => !HopHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).Select(h => (h.Key, h.Value.ToString())).ToList();
                _pushes.TryAdd(messageId, new CapturedPush(messageId, bytes, headers));
                Check();
            }
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private void Check()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_pushes.Count >= _waiters[i].Count)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
