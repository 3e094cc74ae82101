using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using XeroSync.Dispatcher.Local;
using XeroSync.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Dispatcher.Cli;

/// <summary><c>sync</c>: one run of the whole pipeline in this process (the local shape).</summary>
public static class SyncCommand
{
    public const int MaxDemoTenants = 50;

    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["demo"] = false,
        ["data-dir"] = true,
        ["endpoints"] = true,
        ["tenants"] = true,
        ["full"] = false,
        ["verbose"] = false,
    };

    public static async Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var dataDirectory = Path.GetFullPath(args.Value("data-dir") ?? "data");
        var demo = args.Has("demo");
        var request = new RunRequest
        {
            Endpoints = ValidateEndpoints(args.List("endpoints")),
            Full = args.Has("full"),
            Tenants = demo ? null : args.List("tenants"),
        };

        XeroOptions xero;
        DemoXero? demoXero = null;
        if (demo)
        {
            var tenants = DemoTenants(args.Value("tenants"));
            demoXero = await DemoXero.StartAsync(dataDirectory, tenants, context.Time, cancellationToken);
            xero = demoXero.Options;
            context.Console.MarkupLine(Markup.Escape($"Demo: Xero simulator with {tenants} organisation(s) at {demoXero.Host.BaseUrl}"));
        }
        else
        {
            xero = XeroEnvironment.Read(context.Environment);
            if (!xero.HasClientCredentials)
            {
                throw new CliUsageException(
                    "No Xero credentials. Either run with --demo to sync the built-in Xero simulator, " +
                    "or set XERO_CLIENT_ID and XERO_CLIENT_SECRET (a Xero custom connection).");
            }
        }

        try
        {
            await using var pipeline = new LocalPipeline(new LocalPipelineSettings(dataDirectory, xero), context.Loggers, context.Time);
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

            var view = new RunProgressView(context.Console, pipeline.Ledger, context.Time);
            await view.FollowAsync(started.Run.RunId, pipeline.WaitForIdleAsync(cancellationToken), cancellationToken);
            var summary = await view.ReadAsync(started.Run.RunId, cancellationToken);
            context.Console.Write(RunTables.ByEndpoint(summary, $"Run {started.Run.RunId}"));
            if (started.Tenants.Count > 1)
            {
                context.Console.Write(RunTables.ByTenant(summary));
            }

            context.Console.MarkupLine(Markup.Escape($"Warehouse: {pipeline.Settings.WarehousePath} (schemas xero_raw and xero)"));
            if (pipeline.DeadLettered + pipeline.Poisoned > 0)
            {
                context.Console.MarkupLine(Markup.Escape($"{pipeline.DeadLettered} dead-lettered and {pipeline.Poisoned} poison message(s) in {pipeline.Settings.DeadLetterDirectory}"));
            }

            if (summary.HasProblems || !summary.AllLoaded)
            {
                context.Console.MarkupLine(Markup.Escape($"Run {started.Run.RunId} is partial: some pages failed or were deferred. `retry {started.Run.RunId}` or the next sync picks them up."));
                return ExitCodes.Partial;
            }

            return ExitCodes.Success;
        }
        finally
        {
            if (demoXero is not null)
            {
                await demoXero.DisposeAsync();
            }
        }
    }

    private static List<string>? ValidateEndpoints(IReadOnlyList<string>? endpoints)
    {
        try
        {
            return endpoints is null ? null : RunStarter.ResolveEndpoints(endpoints).Select(e => e.Name).ToList();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }
    }

    private static int DemoTenants(string? value)
    {
        if (value is null)
        {
            return 1;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tenants) && tenants is >= 1 and <= MaxDemoTenants
            ? tenants
            : throw new CliUsageException($"With --demo, --tenants is the number of demo organisations (1 to {MaxDemoTenants}); got '{Identifiers.Printable(value)}'.");
    }
}
