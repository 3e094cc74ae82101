using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using XeroSync.Warehouse.Local;

namespace XeroSync.Cli;

/// <summary>
/// <c>query "SQL"</c>: run SQL on the local warehouse (read-only) and print the answer as a table, CSV or JSON.
/// No DuckDB CLI needed: the same DuckDB engine the sync wrote with answers.
/// </summary>
public static class QueryCommand
{
    /// <summary>The table format shows at most this many rows (CSV and JSON print every row).</summary>
    public const int TableRowLimit = 1000;

    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["data-dir"] = true,
        ["format"] = true,
        ["verbose"] = false,
    };

    public static async Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Positionals is not [var sql] || string.IsNullOrWhiteSpace(sql))
        {
            throw new CliUsageException("Usage: query \"SQL\" [--format table|csv|json] [--data-dir DIR]. Quote the SQL as one argument.");
        }

        var format = (args.Value("format") ?? "table").ToLowerInvariant();
        if (format is not ("table" or "csv" or "json"))
        {
            throw new CliUsageException($"--format must be table, csv or json, not '{Identifiers.Printable(format)}'.");
        }

        var dataDirectory = DataFolder.ForReading(args);
        var database = Path.Combine(dataDirectory, "warehouse.duckdb");
        if (!File.Exists(database))
        {
            throw new CliUsageException($"No warehouse at {database} yet: run `sync --demo` (or `sync`) first, or pass --data-dir.");
        }

        IReadOnlyList<WarehouseQueryResult> results;
        try
        {
            results = await DuckDbQuery.RunAsync(database, sql, format == "table" ? TableRowLimit + 1 : int.MaxValue, context.Time, DuckDbQuery.LockWait, cancellationToken);
        }
        catch (WarehouseQueryException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }

        if (results.Count > 1 && format != "table")
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"The SQL holds {results.Count} statements; --format {format} prints one result. Run them one at a time, or use --format table to see each."));
        }

        switch (format)
        {
            case "csv":
                await context.Console.Profile.Out.Writer.WriteAsync(QueryFormats.Csv(results[0]).AsMemory(), cancellationToken);
                break;
            case "json":
                await context.Console.Profile.Out.Writer.WriteAsync(QueryFormats.Json(results[0]).AsMemory(), cancellationToken);
                break;
            default:
                foreach (var result in results)
                {
                    WriteTable(context.Console, result);
                }

                break;
        }

        await context.Console.Profile.Out.Writer.FlushAsync(cancellationToken);
        return ExitCodes.Success;
    }

    private static void WriteTable(IAnsiConsole console, WarehouseQueryResult result)
    {
        var table = new Table();
        for (var i = 0; i < result.Columns.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(result.Columns[i]));
            if (QueryFormats.IsNumeric(result.ColumnTypes[i]))
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        var shown = Math.Min(result.Rows.Count, TableRowLimit);
        for (var r = 0; r < shown; r++)
        {
            var row = result.Rows[r];
            var cells = new string[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                cells[i] = Markup.Escape(QueryFormats.Text(row[i], result.ColumnTypes[i]) ?? string.Empty);
            }

            table.AddRow(cells);
        }

        console.Write(table);

        // A line of its own rather than a caption: a caption wraps to the table's width.
        console.WriteLine(result.Rows.Count > TableRowLimit
            ? string.Create(CultureInfo.InvariantCulture, $"first {TableRowLimit} rows; use --format csv or json for all")
            : string.Create(CultureInfo.InvariantCulture, $"{shown} row(s)"));
    }
}
