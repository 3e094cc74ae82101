using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// GET /Reports/BalanceSheet?date=YYYY-MM-DD computed from the organisation's general ledger (its Journals collection,
/// hidden journals included), in the shape of Xero-OpenAPI's BalanceSheet example, one period: a Header row ("", the
/// date), a titled Section "Assets" then one Section per group of asset accounts (Bank, Current Assets, Fixed Assets,
/// Non-current Assets) with a Row per account and a SummaryRow "Total ...", a Section with the SummaryRow "Total Assets",
/// the same for Liabilities, a Section with the Row "Net Assets", and the Section "Equity": "Current Year Earnings" (the
/// profit since the financial year began), each equity account (Retained Earnings with the earlier years' profit) and
/// "Total Equity". Assets show debit balances positive; liabilities and equity credit balances positive.
/// </summary>
internal static class BalanceSheetReport
{
    private static readonly (string Class, string Title, string Total, (string Title, string[] Types)[] Groups)[] Sides =
    [
        ("ASSET", "Assets", "Total Assets",
        [
            ("Bank", ["BANK"]), ("Current Assets", ["CURRENT", "INVENTORY", "PREPAYMENT"]),
            ("Fixed Assets", ["FIXED"]), ("Non-current Assets", ["NONCURRENT", "TERMASSET"]),
        ]),
        ("LIABILITY", "Liabilities", "Total Liabilities",
        [
            ("Current Liabilities", ["CURRLIAB", "LIABILITY"]), ("Non-current Liabilities", ["TERMLIAB"]),
        ]),
    ];

    public static byte[] Build(RecordCollection journals, RecordCollection organisation, OrganisationReferences references, DateOnly date, IReadOnlyCollection<int> unbooked, DateTimeOffset now, string providerName)
    {
        var org = JsonNode.Parse(organisation.Records[0].Json)!.AsObject();
        var yearStart = TrialBalanceReport.FinancialYearStart(date, org["FinancialYearEndDay"]!.GetValue<int>(), org["FinancialYearEndMonth"]!.GetValue<int>());
        var accounts = new Dictionary<string, (string Name, string Type, string Class, decimal Debit)>(StringComparer.Ordinal);
        var currentYearProfit = 0m;
        var earlierProfit = 0m;
        ReportLedger.ForEachLine(journals, date, unbooked, (journalDate, line) =>
        {
            var type = line.GetProperty("AccountType").GetString()!;
            var accountClass = TrialBalanceReport.ClassOfType(type);
            var net = line.GetProperty("NetAmount").GetDecimal();
            if (accountClass is "REVENUE" or "EXPENSE")
            {
                // Profit is a credit: revenue's credits and expenses' debits, signed as the ledger signs them.
                if (journalDate >= yearStart)
                {
                    currentYearProfit -= net;
                }
                else
                {
                    earlierProfit -= net;
                }

                return;
            }

            var id = line.GetProperty("AccountID").GetString()!;
            var debit = accounts.TryGetValue(id, out var known) ? known.Debit : 0m;
            accounts[id] = (line.GetProperty("AccountName").GetString()!, type, accountClass, debit + net);
        });

        if (earlierProfit != 0m && references.RetainedEarnings is { } retained)
        {
            var debit = accounts.TryGetValue(retained.AccountId, out var known) ? known.Debit : 0m;
            accounts[retained.AccountId] = (retained.Name, "EQUITY", "EQUITY", debit - earlierProfit);
        }

        var rows = new JsonArray
        {
            new JsonObject { ["RowType"] = "Header", ["Cells"] = new JsonArray { TrialBalanceReport.Cell(""), TrialBalanceReport.Cell(date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)) } },
        };
        var sideTotals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (accountClass, title, total, groups) in Sides)
        {
            rows.Add(new JsonObject { ["RowType"] = "Section", ["Title"] = title, ["Rows"] = new JsonArray() });
            var sign = accountClass == "ASSET" ? 1m : -1m;
            var sideTotal = 0m;
            foreach (var (groupTitle, types) in groups)
            {
                var members = accounts.Where(a => a.Value.Class == accountClass && a.Value.Debit != 0m && GroupOf(groups, a.Value.Type) == groupTitle)
                    .OrderBy(a => a.Value.Name, StringComparer.Ordinal)
                    .ToList();
                if (members.Count == 0)
                {
                    continue;
                }

                var groupRows = new JsonArray();
                var groupTotal = 0m;
                foreach (var (id, account) in members)
                {
                    groupRows.Add(AccountRow(account.Name, id, sign * account.Debit));
                    groupTotal += sign * account.Debit;
                }

                groupRows.Add(Summary("Total " + groupTitle, groupTotal));
                rows.Add(new JsonObject { ["RowType"] = "Section", ["Title"] = groupTitle, ["Rows"] = groupRows });
                sideTotal += groupTotal;
            }

            rows.Add(new JsonObject { ["RowType"] = "Section", ["Title"] = "", ["Rows"] = new JsonArray { Summary(total, sideTotal) } });
            sideTotals[accountClass] = sideTotal;
        }

        var netAssets = sideTotals["ASSET"] - sideTotals["LIABILITY"];
        rows.Add(new JsonObject
        {
            ["RowType"] = "Section",
            ["Title"] = "",
            ["Rows"] = new JsonArray { new JsonObject { ["RowType"] = "Row", ["Cells"] = new JsonArray { TrialBalanceReport.Cell("Net Assets"), TrialBalanceReport.Cell(TrialBalanceReport.Money(netAssets)) } } },
        });

        var equityRows = new JsonArray { AccountRow("Current Year Earnings", Guid.Empty.ToString(), currentYearProfit) };
        var equity = currentYearProfit;
        foreach (var (id, account) in accounts.Where(a => a.Value.Class == "EQUITY" && a.Value.Debit != 0m).OrderBy(a => a.Value.Name, StringComparer.Ordinal))
        {
            equityRows.Add(AccountRow(account.Name, id, -account.Debit));
            equity -= account.Debit;
        }

        equityRows.Add(Summary("Total Equity", equity));
        rows.Add(new JsonObject { ["RowType"] = "Section", ["Title"] = "Equity", ["Rows"] = equityRows });

        return ReportLedger.Envelope(org, "Balance Sheet", "BalanceSheet", date, rows, now, providerName);
    }

    /// <summary>The group an account type belongs to; a type no group names goes with the current accounts (the side's second group for assets, its first for liabilities).</summary>
    private static string GroupOf((string Title, string[] Types)[] groups, string type) =>
        groups.FirstOrDefault(g => g.Types.Contains(type)).Title ?? (groups.Length > 2 ? groups[1].Title : groups[0].Title);

    private static JsonObject AccountRow(string name, string accountId, decimal amount) => new()
    {
        ["RowType"] = "Row",
        ["Cells"] = new JsonArray { TrialBalanceReport.AccountCell(name, accountId), TrialBalanceReport.AccountCell(TrialBalanceReport.Money(amount), accountId) },
    };

    private static JsonObject Summary(string title, decimal amount) => new()
    {
        ["RowType"] = "SummaryRow",
        ["Cells"] = new JsonArray { TrialBalanceReport.Cell(title), TrialBalanceReport.Cell(TrialBalanceReport.Money(amount)) },
    };
}
