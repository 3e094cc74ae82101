using System.Text.Json;
using static XeroSync.TieOut.XeroReportRows;

namespace XeroSync.TieOut;

/// <summary>
/// Reads Xero's Trial Balance report (GET /Reports/TrialBalance, a ReportWithRow of Xero-OpenAPI): the Header row names the
/// columns, each Row of a Section is one account (its cells carry the account's id as the attribute <c>account</c>). The
/// balance at the date is the YTD Debit less the YTD Credit; the SummaryRow of totals is not an account.
/// </summary>
public static class XeroTrialBalance
{
    private const string Name = "Trial Balance";

    public static IReadOnlyList<TrialBalanceLine> Parse(ReadOnlySpan<byte> reportJson)
    {
        using var document = Open(reportJson, Name, out var rows);
        int? ytdDebit = null;
        int? ytdCredit = null;
        var lines = new List<TrialBalanceLine>();
        foreach (var row in rows.EnumerateArray())
        {
            var type = Text(row, "RowType");
            if (type == "Header")
            {
                var cells = Cells(row);
                ytdDebit = cells.FindIndex(c => string.Equals(Text(c, "Value"), "YTD Debit", StringComparison.OrdinalIgnoreCase));
                ytdCredit = cells.FindIndex(c => string.Equals(Text(c, "Value"), "YTD Credit", StringComparison.OrdinalIgnoreCase));
            }
            else if (type == "Section" && row.TryGetProperty("Rows", out var sectionRows) && sectionRows.ValueKind == JsonValueKind.Array)
            {
                if (ytdDebit is not >= 0 || ytdCredit is not >= 0)
                {
                    throw new JsonException("Xero's Trial Balance has no Header row with YTD Debit and YTD Credit columns.");
                }

                foreach (var accountRow in sectionRows.EnumerateArray().Where(r => Text(r, "RowType") == "Row"))
                {
                    var cells = Cells(accountRow);
                    var accountId = AccountId(cells)
                        ?? throw new JsonException($"A Trial Balance row names no account id: '{(cells.Count > 0 ? Text(cells[0], "Value") : null)}'.");
                    lines.Add(new TrialBalanceLine(accountId, Text(cells[0], "Value") ?? accountId, Amount(cells, ytdDebit.Value, Name) - Amount(cells, ytdCredit.Value, Name)));
                }
            }
        }

        return lines;
    }
}
