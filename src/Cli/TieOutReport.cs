using System.Globalization;
using Spectre.Console;
using XeroSync.TieOut;

namespace XeroSync.Cli;

/// <summary>What `sync --tie-out` prints: per organisation whether the warehouse ties to Xero's Trial Balance, and every account that does not.</summary>
public static class TieOutReport
{
    /// <summary>Writes the results; returns <see cref="ExitCodes.NotTied"/> when any organisation does not tie (or could not be tied out).</summary>
    public static int Write(IReadOnlyList<TieOutResult> results, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var result in results)
        {
            var who = result.TenantName is { Length: > 0 } name ? $"{result.TenantId} ({name})" : result.TenantId;
            var date = result.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (result.Problem is { } problem)
            {
                Line(context, $"Tie-out {who} as at {date}: not done: {problem}");
                continue;
            }

            if (result.Ties)
            {
                Line(context, $"Tie-out {who} as at {date}: ties, {result.Accounts} accounts agree with Xero's Trial Balance to the cent");
                continue;
            }

            Line(context, $"Tie-out {who} as at {date}: does not tie, {result.Differences.Count} of {result.Accounts} accounts differ from Xero's Trial Balance (debit positive):");
            foreach (var difference in result.Differences)
            {
                Line(context, $"  {difference.Account} [{difference.AccountId}]: Xero {Amount(difference.Xero)}, warehouse {Amount(difference.Warehouse)}, difference {Amount(difference.Difference)}");
            }
        }

        return results.All(r => r.Ties) ? ExitCodes.Success : ExitCodes.NotTied;
    }

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Line(CliContext context, string text) => context.Console.MarkupLine(Markup.Escape(text));
}
