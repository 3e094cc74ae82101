using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;

namespace XeroSync.Dispatcher.Cli;

/// <summary>Renders run progress as Spectre tables: per endpoint, and per tenant when there are several.</summary>
public static class RunTables
{
    public static Table ByEndpoint(RunSummary summary, string title)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = NewTable(title, "Endpoint");
        foreach (var row in summary.ByEndpoint())
        {
            AddRow(table, row.Endpoint, row);
        }

        AddTotals(table, summary);
        return table;
    }

    public static Table ByTenant(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = NewTable("Per tenant", "Tenant");
        foreach (var tenant in summary.ByTenant())
        {
            var rows = summary.Rows.Where(r => r.TenantId == tenant.TenantId).ToList();
            var worst = rows.Select(RunSummary.Status).OrderBy(Severity).Last();
            table.AddRow(
                Markup.Escape(tenant.TenantId),
                Pages(tenant),
                Number(tenant.Records),
                Number(tenant.Calls),
                Number(tenant.Throttles),
                Markup.Escape(worst));
        }

        return table;
    }

    private static Table NewTable(string title, string first)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn(first);
        table.AddColumn(new TableColumn("Pages").RightAligned());
        table.AddColumn(new TableColumn("Records").RightAligned());
        table.AddColumn(new TableColumn("Calls").RightAligned());
        table.AddColumn(new TableColumn("429s").RightAligned());
        table.AddColumn("Status");
        return table;
    }

    private static void AddRow(Table table, string name, EndpointProgress row) =>
        table.AddRow(Markup.Escape(name), Pages(row), Number(row.Records), Number(row.Calls), Number(row.Throttles), Markup.Escape(RunSummary.Status(row)));

    private static void AddTotals(Table table, RunSummary summary) =>
        table.AddRow(
            "[bold]total[/]",
            Number(summary.PagesDone),
            Number(summary.Records),
            Number(summary.Calls),
            Number(summary.Throttles),
            $"{summary.Complete}/{summary.Rows.Count} complete");

    private static string Pages(EndpointProgress row) =>
        row.LastPage is int total ? $"{row.Done}/{total}" : $"{row.Done}/?";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static int Severity(string status) => status switch
    {
        "ok" => 0,
        "skipped (not entitled)" => 1,
        "loading" => 2,
        "running" => 3,
        "deferred (daily limit)" => 4,
        _ => 5,
    };
}
