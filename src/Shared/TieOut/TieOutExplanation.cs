namespace XeroSync.TieOut;

/// <summary>
/// The records behind a tie-out's differences: for each account that differs, the warehouse's journals that moved it since
/// the last date a tie-out found it agreeing (else since the checked date's month began), and for the organisation the
/// journal numbers the warehouse lacks. A journal Xero's books hold and the warehouse does not shows as a missing number;
/// one the warehouse holds and Xero's books do not is among the journals listed.
/// </summary>
public static class TieOutExplanation
{
    public static async Task<TieOutResult> ExplainAsync(TieOutResult result, IJournalTotalsSource journals, ITieOutStore history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(history);
        if (result.Differences.Count == 0)
        {
            return result;
        }

        var differences = new List<TieOutDifference>(result.Differences.Count);
        foreach (var difference in result.Differences)
        {
            if (difference.AccountId == XeroBalanceSheet.CurrentYearEarningsId)
            {
                differences.Add(difference);
                continue;
            }

            var agreed = await history.GetLastAgreedDateAsync(result.TenantId, result.Report, difference.AccountId, result.Date, cancellationToken);
            var from = agreed?.AddDays(1) ?? new DateOnly(result.Date.Year, result.Date.Month, 1);
            var moved = await journals.GetAccountJournalsAsync(result.TenantId, difference.AccountId, from, result.Date, cancellationToken);
            differences.Add(difference with { JournalsFrom = from, Journals = moved });
        }

        var missing = await journals.GetMissingJournalNumbersAsync(result.TenantId, cancellationToken);
        return result with { Differences = differences, MissingJournalNumbers = missing };
    }
}
