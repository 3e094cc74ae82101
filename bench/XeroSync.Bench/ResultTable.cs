using System.Text;

namespace XeroSync.Bench;

/// <summary>The figures as a Markdown table (figure, target, measured, how), ready for README "Performance".</summary>
public static class ResultTable
{
    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine("Machine: " + report.Machine);
        text.AppendLine(report.Quick ? "Size: --quick (development sizes, not the issue's)" : "Size: full");
        text.AppendLine();
        text.AppendLine("| # | figure | target | measured | met | how |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var figure in report.Figures)
        {
            var met = figure.Met switch { true => "yes", false => "**no**", null => "-" };
            var measured = figure.Note is null ? figure.Measured : figure.Measured + " (" + figure.Note + ")";
            text.AppendLine($"| {figure.Number} | {Cell(figure.Name)} | {Cell(figure.Target)} | {Cell(measured)} | {met} | {Cell(figure.How)} |");
        }

        return text.ToString();
    }

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
