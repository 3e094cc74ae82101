using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;

namespace XeroSync.Cli;

/// <summary><c>status</c>: the last runs in a data folder, or one run in detail.</summary>
public static class StatusCommand
{
    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["data-dir"] = true,
        ["limit"] = true,
        ["verbose"] = false,
    };

    public static async Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var dataDirectory = DataFolder.ForReading(args);
        if (!File.Exists(Path.Combine(dataDirectory, SqliteStateDatabase.FileName)))
        {
            throw new CliUsageException($"No runs in {dataDirectory} yet: run `sync` (or `sync --demo`) first, or pass --data-dir.");
        }

        var limit = 10;
        if (args.Value("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            throw new CliUsageException("--limit must be a number from 1 to 1000.");
        }

        // status only reads: a folder it may not write (a read-only mount, another user's data) is read from a copy.
        using var snapshot = DataFolder.IsWritable(dataDirectory) ? null : StateSnapshot.Copy(dataDirectory);
        var ledger = new SqliteRunLedger(SqliteStateDatabase.InFolder(snapshot?.Path ?? dataDirectory), context.Time);
        if (args.Positionals is [var runId, ..])
        {
            if (!Identifiers.IsValidRunId(runId) || await ledger.GetRunStateAsync(runId, cancellationToken) is not { } state)
            {
                throw new CliUsageException($"No run '{Identifiers.Printable(runId)}' in {dataDirectory}.");
            }

            var summary = new RunSummary(state);
            context.Console.Write(RunTables.ByEndpoint(summary, $"Run {runId}"));
            context.Console.Write(RunTables.ByTenant(summary));
            RunTables.WriteVerificationNotes(context.Console, summary);
            await SkipLines.WriteAsync(context.Console, ledger, summary, cancellationToken);
            return ExitCodes.Success;
        }

        var table = new Table { Title = new TableTitle("Recent runs") };
        table.AddColumn("Run");
        table.AddColumn("Started (UTC)");
        table.AddColumn(new TableColumn("Tenants").RightAligned());
        table.AddColumn(new TableColumn("Endpoints").RightAligned());
        table.AddColumn(new TableColumn("Records").RightAligned());
        table.AddColumn(new TableColumn("Calls").RightAligned());
        table.AddColumn("Full");
        table.AddColumn("State");
        foreach (var run in await ledger.ListRunsAsync(limit, cancellationToken))
        {
            var summary = new RunSummary(new RunState(run, await ledger.GetRunEndpointsAsync(run.RunId, cancellationToken)));
            var state = summary.Phase.ToString().ToLowerInvariant();
            table.AddRow(
                Markup.Escape(run.RunId),
                run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                run.Tenants.Count.ToString(CultureInfo.InvariantCulture),
                run.Endpoints.Count.ToString(CultureInfo.InvariantCulture),
                summary.Records.ToString("N0", CultureInfo.InvariantCulture),
                summary.Calls.ToString("N0", CultureInfo.InvariantCulture),
                run.Full ? "yes" : "no",
                state);
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }
}
