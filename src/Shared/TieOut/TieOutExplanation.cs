namespace XeroSync.TieOut;

/// <summary>
/// The records behind a tie-out's differences: for each account that differs, the warehouse's journals that moved it since
/// the last date a tie-out found it agreeing (else since the checked date's month began), and for the organisation the
/// journal numbers the warehouse does not hold between 1 and its highest. A journal Xero's books hold and the warehouse does
/// not shows among those numbers; one the warehouse holds and Xero's books do not is among the journals listed.
/// One explanation serves one tie-out: the warehouse does not change during it, so each organisation's journal numbers are
/// asked for once, the first time one of its results does not tie, and reused for its other reports and dates. Not for
/// concurrent use.
/// </summary>
public sealed class TieOutExplanation
{
    private readonly IJournalTotalsSource _journals;
    private readonly ITieOutStore _history;
    private readonly Dictionary<string, IReadOnlyList<long>> _missingJournalNumbers = new(StringComparer.Ordinal);

    public TieOutExplanation(IJournalTotalsSource journals, ITieOutStore history)
    {
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(history);
        _journals = journals;
        _history = history;
    }

    public async Task<TieOutResult> ExplainAsync(TieOutResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
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

            var agreed = await _history.GetLastAgreedDateAsync(result.TenantId, result.Report, difference.AccountId, result.Date, cancellationToken);
            var from = agreed?.AddDays(1) ?? new DateOnly(result.Date.Year, result.Date.Month, 1);
            var moved = await _journals.GetAccountJournalsAsync(result.TenantId, difference.AccountId, from, result.Date, cancellationToken);
            differences.Add(difference with { JournalsFrom = from, Journals = moved });
        }

        if (!_missingJournalNumbers.TryGetValue(result.TenantId, out var missing))
        {
            missing = await _journals.GetMissingJournalNumbersAsync(result.TenantId, cancellationToken);
            _missingJournalNumbers[result.TenantId] = missing;
        }

        return result with { Differences = differences, MissingJournalNumbers = missing };
    }
}
