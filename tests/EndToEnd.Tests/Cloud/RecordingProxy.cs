using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// A loopback HTTP proxy in front of one Google backend (an emulator or a stand-in), as bench/'s FirestoreWriteCounter
/// is, used by one caller only: forwards every request and answer unchanged (a Location header naming the backend is
/// pointed back at the proxy) and records each call as that caller's.
/// </summary>
internal sealed class RecordingProxy : IAsyncDisposable
{
    private static readonly string[] HopHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"];

    private readonly WebApplication _app;
    private readonly string _api;
    private readonly string _caller;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None, MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly ConcurrentQueue<RecordedCall> _calls = new();

    private RecordingProxy(WebApplication app, string api, string caller)
    {
        _caller = caller;
        _app = app;
        _api = api;
    }

    /// <summary>The backend's base URI; set before the first call (the services are composed after the proxies start).</summary>
    public Uri? Upstream { get; set; }

    /// <summary>The proxy's base URI (http://127.0.0.1:port/).</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<RecordedCall> Calls => [.. _calls];

    /// <param name="api">The API's name in the records: bigquery, storage, pubsub, firestore, secretmanager.</param>
    /// <param name="caller">Who calls through this proxy (worker, dispatcher).</param>
    public static async Task<RecordingProxy> StartAsync(string api, string caller)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new RecordingProxy(app, api, caller);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        proxy.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private static string Text(byte[] body, bool gzip)
    {
        if (!gzip)
        {
            return Encoding.UTF8.GetString(body);
        }

        using var input = new MemoryStream(body);
        using var unzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var upstream = Upstream ?? throw new InvalidOperationException($"The {_api} proxy of {_caller} has no upstream yet.");
        var pathAndQuery = (context.Request.Path + context.Request.QueryString).ToString();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var gzip = string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        _calls.Enqueue(new RecordedCall(
            _caller,
            _api,
            context.Request.Method,
            Uri.UnescapeDataString(context.Request.Path.Value ?? string.Empty),
            context.Request.QueryString.Value ?? string.Empty,
            bytes.Length <= 64 * 1024 ? Text(bytes, gzip) : string.Empty));

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(upstream, pathAndQuery.TrimStart('/')));
        if (bytes.Length > 0 || HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
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
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            context.Response.Headers[name] = name.Equals("Location", StringComparison.OrdinalIgnoreCase)
                ? values.Select(v => v.Replace(upstream.GetLeftPart(UriPartial.Authority), BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)).ToArray()
                : values.ToArray();
        }

        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }
}
