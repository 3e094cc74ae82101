using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;
using XeroSync.Contracts;

namespace XeroSync.Cli;

/// <summary><c>status</c>: the last runs in a data folder with webhook freshness per (organisation, endpoint), or one run in detail.</summary>
public static class StatusCommand
{
    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["data-dir"] = true,
        ["limit"] = true,
        ["verbose"] = false,
        ["format"] = true,
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

        var format = (args.Value("format") ?? "table").ToLowerInvariant();
        if (format is not ("table" or "json"))
        {
            throw new CliUsageException($"--format must be table or json, not '{Identifiers.Printable(format)}'.");
        }

        var limit = 10;
        if (args.Value("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            throw new CliUsageException("--limit must be a number from 1 to 1000.");
        }

        // A run the ledger still calls running, with no sync or retry holding the folder, lost its process.
        var inUse = DataFolder.IsInUse(dataDirectory);

        // status only reads: a folder it may not write (a read-only mount, another user's data) is read from a copy.
        using var snapshot = DataFolder.IsWritable(dataDirectory) ? null : StateSnapshot.Copy(dataDirectory);
        var database = SqliteStateDatabase.InFolder(snapshot?.Path ?? dataDirectory);
        var ledger = new SqliteRunLedger(database, context.Time);
        if (args.Positionals is [var runId, ..])
        {
            if (!Identifiers.IsValidRunId(runId) || await ledger.GetRunStateAsync(runId, cancellationToken) is not { } state)
            {
                throw new CliUsageException($"No run '{Identifiers.Printable(runId)}' in {dataDirectory}.");
            }

            var summary = await RunSummary.ReadAsync(ledger, state, cancellationToken);
            var runState = StateOf(summary.Phase, inUse);
            if (format == "json")
            {
                var json = JsonSerializer.Serialize(RunStatusJson.From(summary, runState), CliJsonContext.Default.RunStatusJson);
                await context.Console.Profile.Out.Writer.WriteLineAsync(json.AsMemory(), cancellationToken);
                await context.Console.Profile.Out.Writer.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }

            context.Console.Write(RunTables.ByEndpoint(summary, $"Run {runId}", runState));
            context.Console.Write(RunTables.ByTenant(summary));
            RunTables.WriteVerificationNotes(context.Console, summary);
            EgressLines.Write(context.Console, summary, perTenant: true);
            await SkipLines.WriteAsync(context.Console, ledger, summary, cancellationToken);
            if (runState == Interrupted)
            {
                context.Console.MarkupLine(Markup.Escape(InterruptedNote(runId)));
            }

            return ExitCodes.Success;
        }

        var recent = new List<(RunInfo Run, RunSummary Summary, string State)>();
        foreach (var run in await ledger.ListRunsAsync(limit, cancellationToken))
        {
            var summary = await RunSummary.ReadAsync(ledger, new RunState(run, await ledger.GetRunEndpointsAsync(run.RunId, cancellationToken)), cancellationToken);
            recent.Add((run, summary, StateOf(summary.Phase, inUse)));
        }

        var freshness = await new SqliteFreshnessStore(database).ListAsync(cancellationToken);
        if (format == "json")
        {
            var status = new StatusJson(
                [.. recent.Select(r => new RecentRunJson(r.Run.RunId, r.Run.StartedAt, r.Run.Full, r.Run.Targeted, r.State, r.Summary.Records, r.Summary.Calls))],
                [.. freshness.Select(TableFreshnessStatus.From)]);
            await context.Console.Profile.Out.Writer.WriteLineAsync(JsonSerializer.Serialize(status, CliJsonContext.Default.StatusJson).AsMemory(), cancellationToken);
            await context.Console.Profile.Out.Writer.FlushAsync(cancellationToken);
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
        foreach (var (run, summary, state) in recent)
        {
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
        if (freshness.Count > 0)
        {
            context.Console.Write(FreshnessTable.Build(freshness));
        }

        foreach (var (run, _, _) in recent.Where(r => r.State == Interrupted))
        {
            context.Console.MarkupLine(Markup.Escape(InterruptedNote(run.RunId)));
        }

        return ExitCodes.Success;
    }

    private const string Interrupted = "interrupted";

    /// <summary>The run's state as status shows it: <c>interrupted</c> for a running run that nothing is running.</summary>
    private static string StateOf(RunPhase phase, bool folderInUse) =>
        phase == RunPhase.Running && !folderInUse ? Interrupted : phase.ToString().ToLowerInvariant();

    private static string InterruptedNote(string runId) =>
        $"Run {runId} was interrupted: the sync or retry running it ended before it finished. `retry {runId}` finishes it.";
}
