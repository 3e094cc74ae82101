using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using XeroSync.Cli.Local;
using XeroSync.Webhooks;

namespace XeroSync.Cli;

/// <summary>
/// <c>sync --listen</c>: after the run, receive Xero's webhooks and land the records they name until Ctrl+C, one line
/// per batch landed with its event-to-landed latency. With <c>--demo</c> the simulator sends the webhooks, for an
/// edit of one of its records every <see cref="DemoEditEvery"/>.
/// </summary>
internal static partial class ListenMode
{
    public const string DefaultUrl = "http://127.0.0.1:8787";

    private static readonly TimeSpan DemoEditEvery = TimeSpan.FromSeconds(10);

    private static readonly string[] DemoEndpoints = ["Invoices", "Contacts", "CreditNotes", "Prepayments", "Payments"];

    /// <summary>The address to listen on, checked: an absolute http URL with a host and a port.</summary>
    public static string ValidateUrl(string? value)
    {
        var text = value ?? DefaultUrl;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query)
            ? text.TrimEnd('/')
            : throw new CliUsageException($"--listen-on must be an http URL such as {DefaultUrl}, not '{Markup.Escape(Identifiers.Printable(text))}'.");
    }

    public static async Task<int> RunAsync(LocalPipeline pipeline, XeroTarget target, string listenOn, string? key, WebhookOptions options, RunLog log, CliContext context, int exitCode, CancellationToken cancellationToken)
    {
        var demo = target.Demo;
        key = demo is not null ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) : key;
        var logger = log.Loggers.CreateLogger("XeroSync.Cli.Listen");
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(key), options, listenOn, log.Loggers, context.Time, cancellationToken);
        listener.Batcher.Started = async (batch, ct) =>
        {
            await pipeline.WaitForIdleAsync(ct);
            Report(batch, context, logger);
        };
        context.Console.MarkupLine(Markup.Escape($"Listening for Xero webhooks at {listener.Url}; Ctrl+C to stop."));
        try
        {
            if (demo is not null)
            {
                await demo.StartWebhooksAsync(listener.Url, key!, pipeline.WebhookState, cancellationToken);
                using var timer = new PeriodicTimer(DemoEditEvery, context.Time);
                for (var edit = 0; await timer.WaitForNextTickAsync(cancellationToken); edit++)
                {
                    var tenants = demo.Host.State.Tenants;
                    demo.Host.State.ApplyChange(tenants[edit % tenants.Count].TenantId, DemoEndpoints[edit % DemoEndpoints.Length], XeroSimulator.ChangeKind.Edit);
                }
            }
            else
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the normal end of listening.
        }

        return exitCode;
    }

    private static void Report(WebhookBatch batch, CliContext context, ILogger logger)
    {
        var landedAt = context.Time.GetUtcNow();
        if (batch.Targeted?.Run is { } run)
        {
            var latencies = batch.Changes.Select(c => (landedAt - c.ChangedAt).TotalSeconds).Order().ToList();
            var median = latencies.Count == 0 ? 0 : latencies[latencies.Count / 2];
            var worst = latencies.Count == 0 ? 0 : latencies[^1];
            var endpoints = string.Join(", ", batch.Changes.GroupBy(c => c.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
            Log.Landed(logger, batch.Changes.Count, endpoints, run.RunId, median, worst);
            context.Console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"{landedAt:HH:mm:ss} landed {batch.Changes.Count} change(s) by id ({endpoints}), run {run.RunId}: event-to-landed median {median:F1} s, worst {worst:F1} s")));
        }

        foreach (var tenant in batch.Targeted?.UnknownTenants ?? [])
        {
            context.Console.MarkupLine(Markup.Escape($"Left out the changes of tenant {tenant}: not connected."));
        }

        if (batch.Incremental is { } incremental)
        {
            var ranges = string.Join(", ", batch.Lost.Select(h => $"{h.From}-{h.To}"));
            context.Console.MarkupLine(Markup.Escape($"{landedAt:HH:mm:ss} events {ranges} lost: incremental run {incremental.Run.RunId} of the webhook endpoints landed."));
        }

        foreach (var quiet in batch.Quiet)
        {
            var categories = string.Join(", ", quiet.Categories.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Activity.Endpoint} (over {c.Limit.TotalMinutes:F0} min)")));
            context.Console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"{landedAt:HH:mm:ss} quiet for too long in tenant {quiet.TenantId}: {categories}; incremental run {quiet.Run.Run.RunId} landed.")));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1140, Level = LogLevel.Information, Message = "Webhook batch landed: {Changes} changes ({Endpoints}) in run {RunId}, event-to-landed median {MedianSeconds:F1} s, worst {WorstSeconds:F1} s")]
        public static partial void Landed(ILogger logger, int changes, string endpoints, string runId, double medianSeconds, double worstSeconds);
    }
}
