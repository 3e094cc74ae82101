using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// A transparent loopback proxy between one Worker process and the Xero simulator (that Worker's <c>XERO_API_URL</c>):
/// forwards every request and answer unchanged and records, for that Worker alone, which Xero calls it had in flight
/// when. A call in flight means the Worker holds that page's lease (it claims the page before it calls Xero).
/// </summary>
internal sealed class XeroTap : IAsyncDisposable
{
    private static readonly string[] HopHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"];

    private readonly WebApplication _app;
    private readonly Uri _upstream;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None }) { Timeout = TimeSpan.FromMinutes(5) };
    private readonly ConcurrentDictionary<long, TappedCall> _calls = new();
    private readonly object _gate = new();
    private TaskCompletionSource? _pageCall;
    private long _ids;

    private XeroTap(WebApplication app, Uri upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Completes once a page read (a <c>page</c> or <c>offset</c> query) is on its way to Xero: now, or the next one to start.</summary>
    public Task WhenPageCallInFlightAsync()
    {
        lock (_gate)
        {
            if (_calls.Values.Any(c => c.Ended is null && !c.Aborted && IsPageRead(c.PathAndQuery)))
            {
                return Task.CompletedTask;
            }

            _pageCall ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _pageCall.Task;
        }
    }

    /// <summary>Whether a call reads a page (its query names a <c>page</c> or a Journals <c>offset</c>).</summary>
    public static bool IsPageRead(string pathAndQuery) =>
        pathAndQuery.Contains("?page=", StringComparison.Ordinal) || pathAndQuery.Contains("&page=", StringComparison.Ordinal) ||
        pathAndQuery.Contains("?offset=", StringComparison.Ordinal) || pathAndQuery.Contains("&offset=", StringComparison.Ordinal);

    /// <summary>Every call that started, with its end (null while in flight or when the caller died mid-call).</summary>
    public IReadOnlyList<TappedCall> Calls => [.. _calls.Values.OrderBy(c => c.Id)];

    public static async Task<XeroTap> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var tap = new XeroTap(app, upstream);
        app.Run(tap.ForwardAsync);
        await app.StartAsync();
        tap.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return tap;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        var call = new TappedCall(Interlocked.Increment(ref _ids), context.Request.Headers["xero-tenant-id"].ToString(), pathAndQuery.ToString(), TimeProvider.System.GetUtcNow());
        lock (_gate)
        {
            _calls[call.Id] = call;
            if (IsPageRead(call.PathAndQuery))
            {
                _pageCall?.TrySetResult();
                _pageCall = null;
            }
        }

        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_upstream, pathAndQuery.ToString().TrimStart('/')));
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (var (name, value) in context.Request.Headers)
            {
                if (!HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
            _calls[call.Id] = call with { Status = (int)response.StatusCode, Ended = TimeProvider.System.GetUtcNow() };
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // The Worker went away mid-call: the call never ended for it.
            _calls[call.Id] = call with { Aborted = true };
        }
    }
}
