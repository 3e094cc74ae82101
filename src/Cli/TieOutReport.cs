using System.Globalization;
using Spectre.Console;
using XeroSync.TieOut;

namespace XeroSync.Cli;

/// <summary>
/// What `sync --tie-out` prints: per organisation, report and date whether the warehouse ties to Xero's report, every account
/// that does not with the warehouse's journals that moved it, and the journal numbers up to the warehouse's highest that it does
/// not hold (Xero documents a number for each journal, not that the numbers run without gaps: a number to look up, not a
/// journal known to exist).
/// </summary>
public static class TieOutReport
{
    /// <summary>How many of an account's journals are printed; the warehouse keeps every one.</summary>
    private const int JournalsShown = 20;

    /// <summary>
    /// Writes the results; returns <see cref="ExitCodes.NotTied"/> when any organisation does not tie (or could not be tied
    /// out). A report skipped because the connection does not grant its scope is a note, not a failure.
    /// </summary>
    public static int Write(IReadOnlyList<TieOutResult> results, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var result in results)
        {
            var who = result.TenantName is { Length: > 0 } name ? $"{result.TenantId} ({name})" : result.TenantId;
            var date = result.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var report = result.Report == XeroReport.BalanceSheet ? "Balance Sheet" : "Trial Balance";
            if (result.MissingScope is { } scope)
            {
                Line(context, $"Tie-out {who} {report} as at {date}: skipped, the connection does not grant {scope}");
                continue;
            }

            if (result.Problem is { } problem)
            {
                Line(context, $"Tie-out {who} {report} as at {date}: not done: {problem}");
                continue;
            }

            if (result.Ties)
            {
                Line(context, $"Tie-out {who} {report} as at {date}: ties, {result.Accounts} accounts agree with Xero's {report} to the cent");
                continue;
            }

            Line(context, $"Tie-out {who} {report} as at {date}: does not tie, {result.Differences.Count} of {result.Accounts} accounts differ from Xero's {report} (debit positive):");
            foreach (var difference in result.Differences)
            {
                Line(context, $"  {difference.Account} [{difference.AccountId}]: Xero {Amount(difference.Xero)}, warehouse {Amount(difference.Warehouse)}, difference {Amount(difference.Difference)}");
                WriteJournals(difference, context);
            }

            if (JournalNumberRanges.Format(result.MissingJournalNumbers) is { } missing)
            {
                Line(context, $"  journal numbers up to the warehouse's highest that it does not hold (look each up in Xero): {missing}");
            }
        }

        return results.All(r => r.Ties || r.Skipped) ? ExitCodes.Success : ExitCodes.NotTied;
    }

    /// <summary>The warehouse's journals behind one account's difference, at most <see cref="JournalsShown"/> of them (the warehouse keeps all).</summary>
    private static void WriteJournals(TieOutDifference difference, CliContext context)
    {
        if (difference.JournalsFrom is not { } from)
        {
            return;
        }

        var since = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (difference.Journals.Count == 0)
        {
            Line(context, $"    no warehouse journal moved it since {since}");
            return;
        }

        Line(context, $"    warehouse journals on it since {since}: {difference.Journals.Count}");
        foreach (var journal in difference.Journals.Take(JournalsShown))
        {
            var whole = Math.Round(journal.Amount, 2, MidpointRounding.AwayFromZero) == -difference.Difference ? " (the whole difference)" : string.Empty;
            Line(context, string.Create(CultureInfo.InvariantCulture, $"      journal {journal.JournalNumber} [{journal.JournalId}] {journal.Date:yyyy-MM-dd}: {Amount(journal.Amount)}{whole}"));
        }

        if (difference.Journals.Count > JournalsShown)
        {
            Line(context, string.Create(CultureInfo.InvariantCulture, $"      ... and {difference.Journals.Count - JournalsShown} more in xero_raw.tie_out_journals"));
        }
    }

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Line(CliContext context, string text) => context.Console.MarkupLine(Markup.Escape(text));
}
