using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary>Renders run progress as Spectre tables: per endpoint, and per tenant when there are several.</summary>
public static class RunTables
{
    /// <param name="runState">The run's state for the totals row when it is not the ledger's phase (status: <c>interrupted</c>).</param>
    public static Table ByEndpoint(RunSummary summary, string title, string? runState = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = NewTable(title, "Endpoint");
        foreach (var (name, total, reread, status) in summary.ByEndpoint())
        {
            AddRow(table, name, total, reread, status);
        }

        AddTotals(table, summary, runState ?? summary.Phase.ToString().ToLowerInvariant());
        return table;
    }

    public static Table ByTenant(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = NewTable("Per tenant", "Tenant");
        foreach (var (name, total, reread, status) in summary.ByTenant())
        {
            AddRow(table, name, total, reread, status);
        }

        return table;
    }

    /// <summary>One line per endpoint that was re-read or could not be verified: what the check found.</summary>
    public static void WriteVerificationNotes(IAnsiConsole console, RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        foreach (var (tenant, endpoint, note) in summary.VerificationNotes())
        {
            console.MarkupLine(Markup.Escape($"{tenant} {endpoint}: {note}"));
        }
    }

    private static Table NewTable(string title, string first)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn(first);
        table.AddColumn(new TableColumn("Pages").RightAligned());
        table.AddColumn(new TableColumn("Records").RightAligned());
        table.AddColumn(new TableColumn("Re-read records").RightAligned());
        table.AddColumn(new TableColumn("Calls").RightAligned());
        table.AddColumn(new TableColumn("429s").RightAligned());
        table.AddColumn(new TableColumn("Re-read calls").RightAligned());
        table.AddColumn("Status");
        return table;
    }

    /// <summary>One row: Records counts each record once (the last pass); what earlier passes read again is apart.</summary>
    private static void AddRow(Table table, string name, EndpointState row, long reread, string status) =>
        table.AddRow(Markup.Escape(name), Pages(row), Number(row.Records - reread), Number(reread), Number(row.Calls), Number(row.Throttles), Number(row.RereadCalls), Markup.Escape(status));

    private static void AddTotals(Table table, RunSummary summary, string runState) =>
        table.AddRow(
            "[bold]total[/]",
            Number(summary.PagesDone),
            Number(summary.Records),
            Number(summary.RereadRecords),
            Number(summary.Calls),
            Number(summary.Throttles),
            Number(summary.RereadCalls),
            Markup.Escape($"{summary.Complete}/{summary.Rows.Count} complete, run {runState}"));

    private static string Pages(EndpointState row) =>
        row.LastPage is int total ? $"{row.Done}/{total}" : $"{row.Done}/?";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
