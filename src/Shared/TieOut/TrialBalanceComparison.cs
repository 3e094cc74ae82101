namespace XeroSync.TieOut;

/// <summary>
/// The tie-out: the balances the warehouse's journals make, placed as Xero's report places them (Trial Balance:
/// balance-sheet accounts to date, revenue and expense accounts since the financial year began, earlier years' profit on
/// Retained Earnings; Balance Sheet: the balance-sheet accounts, Retained Earnings with the earlier years' profit, the
/// profit since the year began as Current Year Earnings), compared account by account, to the cent, with Xero's report.
/// </summary>
public static class TrialBalanceComparison
{
    /// <summary>Xero's account types whose balances restart each financial year (the profit and loss).</summary>
    private static readonly HashSet<string> ProfitAndLossTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "REVENUE", "SALES", "OTHERINCOME", "EXPENSE", "OVERHEADS", "DIRECTCOSTS", "DEPRECIATN",
    };

    /// <summary>Every account of the warehouse's journals with its balance as Xero's Trial Balance shows it.</summary>
    public static IReadOnlyList<TrialBalanceLine> FromJournals(JournalTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var lines = new Dictionary<string, TrialBalanceLine>(StringComparer.OrdinalIgnoreCase);
        var earlierProfit = 0m;
        foreach (var account in totals.Accounts)
        {
            var profitAndLoss = ProfitAndLossTypes.Contains(account.AccountType);
            if (profitAndLoss)
            {
                earlierProfit += account.ToDate - account.ThisYear;
            }

            lines[account.AccountId] = new TrialBalanceLine(account.AccountId, $"{account.Name} ({account.Code})", profitAndLoss ? account.ThisYear : account.ToDate);
        }

        if (earlierProfit != 0m)
        {
            // Without the account in the warehouse the profit of earlier years has nowhere to go: it shows as its own line.
            var id = totals.RetainedEarningsAccountId ?? "RETAINEDEARNINGS";
            var existing = lines.GetValueOrDefault(id);
            lines[id] = new TrialBalanceLine(id, existing?.Account ?? "Retained Earnings", (existing?.Balance ?? 0m) + earlierProfit);
        }

        return [.. lines.Values];
    }

    /// <summary>
    /// The warehouse's journals as Xero's Balance Sheet shows them, debit positive: each balance-sheet account to date,
    /// Retained Earnings with the profit of earlier years, and the profit since the financial year began on the line
    /// <see cref="XeroBalanceSheet.CurrentYearEarningsId"/> (a profit is a credit, so it reads negative).
    /// </summary>
    public static IReadOnlyList<TrialBalanceLine> BalanceSheetFromJournals(JournalTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var currentYear = totals.Accounts.Where(a => ProfitAndLossTypes.Contains(a.AccountType)).Sum(a => a.ThisYear);
        var profitAndLossIds = totals.Accounts.Where(a => ProfitAndLossTypes.Contains(a.AccountType)).Select(a => a.AccountId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return
        [
            .. FromJournals(totals).Where(l => !profitAndLossIds.Contains(l.AccountId)),
            new TrialBalanceLine(XeroBalanceSheet.CurrentYearEarningsId, "Current Year Earnings", currentYear),
        ];
    }

    /// <summary>Compares Xero's lines with the warehouse's: every account on either side whose balances differ by a cent or more.</summary>
    public static TieOutResult Compare(string tenantId, DateOnly date, IReadOnlyList<TrialBalanceLine> xero, IReadOnlyList<TrialBalanceLine> warehouse)
    {
        ArgumentNullException.ThrowIfNull(xero);
        ArgumentNullException.ThrowIfNull(warehouse);
        var fromXero = Sum(xero);
        var fromWarehouse = Sum(warehouse);
        var differences = new List<TieOutDifference>();
        foreach (var id in fromXero.Keys.Union(fromWarehouse.Keys, StringComparer.OrdinalIgnoreCase))
        {
            var x = fromXero.GetValueOrDefault(id);
            var w = fromWarehouse.GetValueOrDefault(id);
            var xeroBalance = Math.Round(x.Balance, 2, MidpointRounding.AwayFromZero);
            var warehouseBalance = Math.Round(w.Balance, 2, MidpointRounding.AwayFromZero);
            if (xeroBalance != warehouseBalance)
            {
                differences.Add(new TieOutDifference(id, x.Account ?? w.Account ?? id, xeroBalance, warehouseBalance));
            }
        }

        var ordered = differences.OrderByDescending(d => Math.Abs(d.Difference)).ThenBy(d => d.Account, StringComparer.Ordinal).ToList();
        return new TieOutResult(tenantId, date, fromXero.Keys.Union(fromWarehouse.Keys, StringComparer.OrdinalIgnoreCase).Count(), ordered);
    }

    private static Dictionary<string, (string? Account, decimal Balance)> Sum(IReadOnlyList<TrialBalanceLine> lines)
    {
        var sums = new Dictionary<string, (string? Account, decimal Balance)>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var current = sums.GetValueOrDefault(line.AccountId);
            sums[line.AccountId] = (current.Account ?? line.Account, current.Balance + line.Balance);
        }

        return sums;
    }
}
