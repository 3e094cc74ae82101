using System.Text.Json;
using static XeroSync.TieOut.XeroReportRows;

namespace XeroSync.TieOut;

/// <summary>
/// Reads Xero's Balance Sheet report (GET /Reports/BalanceSheet?date=, a ReportWithRow of Xero-OpenAPI, one period): a
/// Section titled "Assets", "Liabilities" or "Equity" opens a side, the Sections after it (Bank, Current Assets, ...) hold a
/// Row per account whose cells carry the account's id as the attribute <c>account</c>; the first amount column is the
/// balance at the date. Assets read debit positive, liabilities and equity credit positive: each line is turned debit
/// positive, as the Trial Balance's are. "Current Year Earnings" carries the empty account id
/// (<see cref="CurrentYearEarningsId"/>); totals and "Net Assets" are not accounts.
/// </summary>
public static class XeroBalanceSheet
{
    /// <summary>The account id Xero gives the Balance Sheet's "Current Year Earnings" row (the profit since the financial year began).</summary>
    public const string CurrentYearEarningsId = "00000000-0000-0000-0000-000000000000";

    private const string Name = "Balance Sheet";

    public static IReadOnlyList<TrialBalanceLine> Parse(ReadOnlySpan<byte> reportJson)
    {
        using var document = Open(reportJson, Name, out var rows);
        decimal? sign = null;
        var lines = new List<TrialBalanceLine>();
        foreach (var section in rows.EnumerateArray().Where(r => Text(r, "RowType") == "Section"))
        {
            sign = Text(section, "Title") switch
            {
                "Assets" => 1m,
                "Liabilities" or "Equity" => -1m,
                _ => sign,
            };
            foreach (var row in SectionRows(section).Where(r => Text(r, "RowType") == "Row"))
            {
                var cells = Cells(row);
                if (AccountId(cells) is not { } accountId)
                {
                    continue;
                }

                var side = sign ?? throw new JsonException("A Balance Sheet account comes before any Assets, Liabilities or Equity section.");
                lines.Add(new TrialBalanceLine(accountId, Text(cells[0], "Value") ?? accountId, side * Amount(cells, 1, Name)));
            }
        }

        return lines;
    }
}
