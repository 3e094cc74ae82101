using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Pipeline;
using XeroSync.Webhooks;

namespace XeroSync.Cli.Local;

/// <summary>
/// The local shape's webhook receiver: <c>POST /webhooks/xero</c> on a local address (behind a tunnel for Xero
/// itself), the key from <c>XERO_WEBHOOK_KEY</c>; changes gathered per organisation and endpoint for the window,
/// then read by id through the local pipeline, and lost events (sequence holes, and categories quiet for longer than
/// expected, checked every <see cref="WebhookOptions.QuietCheckEvery"/>) read by an incremental.
/// </summary>
public sealed class LocalWebhookListener : IAsyncDisposable
{
    public const string KeyVariable = "XERO_WEBHOOK_KEY";

    private readonly WebApplication _app;
    private readonly ITimer _quietCheck;

    private LocalWebhookListener(WebApplication app, WebhookChangeBatcher batcher, Uri url, WebhookOptions options, TimeProvider time)
    {
        _app = app;
        // The quiet check on the listener's clock: one check at a time (a slow one skips the ticks it overlaps).
        var checking = 0;
        _quietCheck = time.CreateTimer(
            _ =>
            {
                if (Interlocked.Exchange(ref checking, 1) == 0)
                {
                    _ = CheckAsync();
                }
            },
            null,
            options.QuietCheckEvery,
            options.QuietCheckEvery);

        async Task CheckAsync()
        {
            try
            {
                await batcher.CheckQuietAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Logged by the run path; the next tick checks again.
            }
            finally
            {
                Volatile.Write(ref checking, 0);
            }
        }

        Batcher = batcher;
        Url = url;
    }

    /// <summary>Where Xero (or the simulator) posts: <c>http://HOST:PORT/webhooks/xero</c>.</summary>
    public Uri Url { get; }

    public WebhookChangeBatcher Batcher { get; }

    /// <param name="listen">The address to bind (<c>http://127.0.0.1:0</c>: a free port on loopback).</param>
    public static async Task<LocalWebhookListener> StartAsync(LocalPipeline pipeline, IWebhookKeySource key, WebhookOptions options, string listen, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(loggers);
        await pipeline.EnsureWarehouseAsync(cancellationToken);
        var batcher = new WebhookChangeBatcher(pipeline.TargetedRuns, pipeline.Runs, pipeline.WebhookState, Options.Create(options), time, loggers.CreateLogger<WebhookChangeBatcher>());
        var receiver = new WebhookReceiver(batcher, key, new PoisonRecorder(pipeline.Objects, time, loggers.CreateLogger<PoisonRecorder>()), Options.Create(options), time, loggers.CreateLogger<WebhookReceiver>());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(WebhookReceiver.Path, async (HttpRequest request, CancellationToken ct) =>
        {
            var signature = request.Headers.TryGetValue(WebhookSignature.Header, out var values) ? values.ToString() : null;
            var receipt = await receiver.ReceiveAsync(request.Body, signature, ct);
            return Results.StatusCode(receipt.StatusCode);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        var url = new Uri(address.Replace("[::]", IPAddress.Loopback.ToString(), StringComparison.Ordinal).TrimEnd('/') + WebhookReceiver.Path);
        return new LocalWebhookListener(app, batcher, url, options, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _quietCheck.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Batcher.DisposeAsync();
    }
}
