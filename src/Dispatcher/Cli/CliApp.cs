using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace XeroSync.Dispatcher.Cli;

/// <summary>The CLI entry: parse the verb, run it, map failures to exit codes and clear messages.</summary>
public static class CliApp
{
    public const string Usage = """
        Usage: dotnet run --project src/Dispatcher -- <command> [options]

          sync      Extract every Xero endpoint of every connected tenant into the local warehouse.
                      --demo              use the built-in Xero simulator (no credentials needed)
                      --data-dir DIR      where state, objects and warehouse.duckdb live (default ./data)
                      --endpoints A,B     only these Xero endpoints (e.g. Invoices,Contacts; case-insensitive)
                      --tenants T1,T2     only these tenant ids (with --demo: the number of demo organisations)
                      --full              ignore watermarks and read everything
                      --reconcile         instead: sweep ids and refresh in full within each organisation's
                                          day budget (less 1,500 calls kept for incrementals); records Xero
                                          no longer returns get deleted_at in the latest views
                      --budget N          with --reconcile: at most N Xero calls per organisation
                      --full-refresh      with --reconcile: read Invoices and Contacts in full now
                      --verbose           log every page to stderr
          retry     `retry RUN_ID`: republish a run's failed and deferred pages (same --demo/--data-dir as sync).
          status    Show recent runs (or `status RUN_ID` for one run).  --data-dir DIR, --limit N
          query     `query "SQL"`: run SQL on the local warehouse (read-only) and print the answer.
                      --format F          table (default), csv or json
                      --data-dir DIR      the folder holding warehouse.duckdb (default ./data)
          connect   Authorise a Xero standard app in the browser (PKCE) and store its refresh token.
                      --data-dir DIR      where tokens/default.json is written (default ./data)
                      --port N            loopback callback port (default 5005); register
                                          http://127.0.0.1:N/callback as a redirect URI of the Xero app
                      --scopes A,B        scopes to request (default: offline_access and the granular read
                                          scopes: invoices, payments, banktransactions, manualjournals,
                                          classicexpenses,
                                          contacts, settings, budgets)
                      --journals          also ask for accounting.journals.read (needs Xero's approval)
                      --broad-scopes      an app created before March 2026 that still holds the broad
                                          accounting.transactions.read instead of the granular ones
                      --no-browser        only print the authorize URL
                      --secret NAME       store it in Secret Manager instead (projects/P/secrets/S, a new
                                          version; Application Default Credentials): the cloud services' token

        Real Xero: set XERO_CLIENT_ID and XERO_CLIENT_SECRET. A custom connection needs nothing else;
        a standard app runs `connect` once (or sets XERO_REFRESH_TOKEN), then `sync` refreshes and rotates the
        stored token. XERO_API_URL / XERO_IDENTITY_URL / XERO_LOGIN_URL override https://api.xero.com,
        https://identity.xero.com and https://login.xero.com/identity/.
        With no verb, the Dispatcher serves HTTP (POST /run, GET /runs/{id}, POST /runs/{id}/retry).
        """;

    public static async Task<int> RunAsync(string[] args, CliContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verbose = args.Contains("--verbose");
        using var loggers = context is null ? CreateLoggers(verbose) : null;
        context ??= new CliContext(AnsiConsole.Console, loggers!, TimeProvider.System, Environment.GetEnvironmentVariable);
        try
        {
            var verb = args[0] is "--help" or "-h" ? "help" : args[0];
            return verb switch
            {
                "sync" => await SyncCommand.RunAsync(CliArguments.Parse(args, SyncCommand.Options), context, cancellationToken),
                "retry" => await RetryCommand.RunAsync(CliArguments.Parse(args, RetryCommand.Options), context, cancellationToken),
                "status" => await StatusCommand.RunAsync(CliArguments.Parse(args, StatusCommand.Options), context, cancellationToken),
                "query" => await QueryCommand.RunAsync(CliArguments.Parse(args, QueryCommand.Options), context, cancellationToken),
                "connect" => await ConnectCommand.RunAsync(CliArguments.Parse(args, ConnectCommand.Options), context, cancellationToken),
                "help" => ShowUsage(context),
                _ => throw new CliUsageException($"The '{Identifiers.Printable(verb)}' command is not available yet."),
            };
        }
        catch (CliUsageException ex)
        {
            context.Console.MarkupLine("[red]error:[/] " + Markup.Escape(ex.Message));
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Console.MarkupLine("[yellow]Cancelled.[/] Run `sync` again: finished endpoints are not fetched twice, the rest is re-read.");
            return ExitCodes.Failure;
        }
        catch (XeroSync.Pipeline.NoTenantsToSyncException ex)
        {
            context.Console.MarkupLine("[red]error:[/] " + Markup.Escape(ex.Message));
            return ExitCodes.Usage;
        }
        catch (XeroSync.Xero.XeroApiException ex)
        {
            context.Console.MarkupLine("[red]Xero error:[/] " + Markup.Escape(ex.Message));
            return ex.Failure == XeroSync.Xero.XeroFailure.AccessDenied ? ExitCodes.Usage : ExitCodes.Failure;
        }
    }

    private static int ShowUsage(CliContext context)
    {
        context.Console.WriteLine(Usage);
        return ExitCodes.Success;
    }

    private static ILoggerFactory CreateLoggers(bool verbose) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
