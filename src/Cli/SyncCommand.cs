using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using XeroSync.Cli.Local;
using XeroSync.Pipeline;
using XeroSync.Webhooks;
using XeroSync.TieOut;
using XeroSync.Xero;

namespace XeroSync.Cli;

/// <summary><c>sync</c>: one run of the whole pipeline in this process (the local shape).</summary>
public static class SyncCommand
{
    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["demo"] = false,
        ["data-dir"] = true,
        ["endpoints"] = true,
        ["tenants"] = true,
        ["full"] = false,
        ["reconcile"] = false,
        ["budget"] = true,
        ["full-refresh"] = false,
        ["tie-out"] = false,
        ["as-at"] = true,
        ["months"] = true,
        ["verbose"] = false,
        ["listen"] = false,
        ["listen-on"] = true,
    };

    public static async Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var dataDirectory = DataFolder.ForWriting(args);
        var reconcile = args.Has("reconcile");
        if (!reconcile && (args.Has("budget") || args.Has("full-refresh")))
        {
            throw new CliUsageException("--budget and --full-refresh go with --reconcile.");
        }

        var tieOut = args.Has("tie-out");
        if (tieOut && reconcile)
        {
            throw new CliUsageException("--tie-out goes with a sync, not with --reconcile.");
        }

        if (!tieOut && args.Has("as-at"))
        {
            throw new CliUsageException("--as-at goes with --tie-out.");
        }

        if (!tieOut && args.Has("months"))
        {
            throw new CliUsageException("--months goes with --tie-out.");
        }

        if (args.Has("as-at") && args.Has("months"))
        {
            throw new CliUsageException("--as-at and --months are two ways to choose the dates: give one.");
        }

        var months = TieOutDates.DefaultMonths;
        if (args.Value("months") is { } count)
        {
            months = int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= TieOutDates.MaxMonths
                ? value
                : throw new CliUsageException($"--months must be a whole number of month ends from 1 to {TieOutDates.MaxMonths}, not '{Markup.Escape(count)}'.");
        }

        DateOnly? asAt = null;
        if (args.Value("as-at") is { } day)
        {
            asAt = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw new CliUsageException($"--as-at must be a date as YYYY-MM-DD, not '{Markup.Escape(day)}'.");
        }

        int? budget = null;
        if (args.Value("budget") is { } text)
        {
            budget = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 5000
                ? value
                : throw new CliUsageException($"--budget must be a whole number of calls from 0 to 5000, not '{Markup.Escape(text)}'.");
        }

        var listen = args.Has("listen");
        if (!listen && args.Has("listen-on"))
        {
            throw new CliUsageException("--listen-on goes with --listen.");
        }

        if (listen && reconcile)
        {
            throw new CliUsageException("--listen goes with a sync, not --reconcile.");
        }

        var listenOn = listen ? ListenMode.ValidateUrl(args.Value("listen-on")) : null;
        var webhookKey = context.Environment(LocalWebhookListener.KeyVariable);
        if (listen && !args.Has("demo") && string.IsNullOrEmpty(webhookKey))
        {
            throw new CliUsageException($"--listen needs {LocalWebhookListener.KeyVariable}: the webhook key from the Webhooks tab of your app in Xero's developer portal.");
        }

        WebhookOptions? webhookOptions = null;
        if (listen)
        {
            try
            {
                webhookOptions = WebhookOptions.FromEnvironment(context.Environment, new WebhookOptions());
            }
            catch (InvalidOperationException ex)
            {
                throw new CliUsageException(ex.Message);
            }
        }

        if (args.List("tenants") is [])
        {
            throw new CliUsageException("--tenants names no tenant: give one or more tenant ids (leave it out for all).");
        }

        var request = new RunRequest
        {
            Endpoints = ValidateEndpoints(args.List("endpoints")),
            Full = args.Has("full"),
            Tenants = args.Has("demo") ? null : args.List("tenants"),
            Reconcile = reconcile,
            CallBudget = budget,
            FullRefresh = args.Has("full-refresh"),
        };

        var pipelineOptions = PipelineEnvironment.Read(context.Environment);
        using var folderLock = DataFolder.LockForWriting(dataDirectory);
        await using var target = await XeroTarget.ResolveAsync(args, context, dataDirectory, cancellationToken);
        {
            using var log = RunLog.Open(dataDirectory, args.Has("verbose"));
            await using var pipeline = new LocalPipeline(new LocalPipelineSettings(dataDirectory, target.Options) { Pipeline = pipelineOptions }, log.Loggers, context.Time);
            if (reconcile)
            {
                StartedReconcile planned;
                try
                {
                    planned = await pipeline.StartReconcileAsync(request, cancellationToken);
                }
                catch (ArgumentException ex)
                {
                    throw new CliUsageException(ex.Message, ex);
                }

                ReconcileReport.WritePlan(planned, dataDirectory, context);
                var exit = await RunReport.FollowAndSummariseAsync(pipeline, log, planned.Run.RunId, planned.Run.Tenants.Count > 1, context, cancellationToken);
                await ReconcileReport.WriteCostAsync(pipeline.Ledger, planned, context, cancellationToken);
                return exit;
            }

            StartedRun started;
            try
            {
                started = await pipeline.StartRunAsync(request, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }

            context.Console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"Run {started.Run.RunId}: {started.Tenants.Count} tenant(s) x {started.Endpoints.Count} endpoint(s){(request.Full ? ", full" : string.Empty)}; data in {dataDirectory}")));

            var exitCode = await RunReport.FollowAndSummariseAsync(pipeline, log, started.Run.RunId, started.Tenants.Count > 1, context, cancellationToken);
            if (tieOut && exitCode != ExitCodes.Success)
            {
                context.Console.MarkupLine("Tie-out skipped: the run did not complete, so the warehouse cannot tie to Xero yet (run `retry`, then sync --tie-out again).");
            }
            else if (tieOut)
            {
                var dates = asAt is { } chosen ? [chosen] : TieOutDates.MonthEnds(DateOnly.FromDateTime(context.Time.GetUtcNow().UtcDateTime), months);
                exitCode = TieOutReport.Write(await pipeline.TieOutAsync(started.Tenants, dates, cancellationToken), context);
            }

            return listen ? await ListenMode.RunAsync(pipeline, target, listenOn!, webhookKey, webhookOptions!, log, context, exitCode, cancellationToken) : exitCode;
        }
    }

    private static List<string>? ValidateEndpoints(IReadOnlyList<string>? endpoints)
    {
        if (endpoints is [])
        {
            throw new CliUsageException("--endpoints names no endpoint: give one or more, e.g. --endpoints Invoices,Contacts (leave it out for all).");
        }

        try
        {
            return endpoints is null ? null : RunStarter.ResolveEndpoints(endpoints).Select(e => e.Name).ToList();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }
    }
}
