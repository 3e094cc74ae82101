using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary><c>status</c>'s webhook freshness: per (organisation, endpoint), the last change reported, the last landed, the latency.</summary>
internal static class FreshnessTable
{
    public static Table Build(IReadOnlyList<TableFreshness> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var table = new Table { Title = new TableTitle("Webhook freshness") };
        table.AddColumn("Tenant");
        table.AddColumn("Endpoint");
        table.AddColumn("Last change seen (UTC)");
        table.AddColumn("Last landed (UTC)");
        table.AddColumn(new TableColumn("Event-to-landed").RightAligned());
        table.AddColumn("Behind");
        foreach (var f in tables)
        {
            table.AddRow(
                Markup.Escape(f.TenantId),
                Markup.Escape(f.Endpoint),
                Time(f.LastChangeSeen),
                Time(f.LastLanded),
                f.Latency is { } latency ? latency.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "-",
                f.Behind ? "yes" : "no");
        }

        return table;
    }

    private static string Time(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";
}
