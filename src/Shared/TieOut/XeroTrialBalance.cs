using System.Globalization;
using System.Text.Json;

namespace XeroSync.TieOut;

/// <summary>
/// Reads Xero's Trial Balance report (GET /Reports/TrialBalance, a ReportWithRow of Xero-OpenAPI): the Header row names the
/// columns, each Row of a Section is one account (its cells carry the account's id as the attribute <c>account</c>). The
/// balance at the date is the YTD Debit less the YTD Credit; the SummaryRow of totals is not an account.
/// </summary>
public static class XeroTrialBalance
{
    public static IReadOnlyList<TrialBalanceLine> Parse(ReadOnlySpan<byte> reportJson)
    {
        var reader = new Utf8JsonReader(reportJson);
        using var document = JsonDocument.ParseValue(ref reader);
        var report = document.RootElement;
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("Rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Xero's Trial Balance has no Rows.");
        }

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
                    var accountId = cells.Select(AccountId).FirstOrDefault(id => id is not null)
                        ?? throw new JsonException($"A Trial Balance row names no account id: '{Text(cells[0], "Value")}'.");
                    lines.Add(new TrialBalanceLine(accountId, Text(cells[0], "Value") ?? accountId, Amount(cells, ytdDebit.Value) - Amount(cells, ytdCredit.Value)));
                }
            }
        }

        return lines;
    }

    private static List<JsonElement> Cells(JsonElement row) =>
        row.TryGetProperty("Cells", out var cells) && cells.ValueKind == JsonValueKind.Array ? [.. cells.EnumerateArray()] : [];

    private static string? AccountId(JsonElement cell)
    {
        if (!cell.TryGetProperty("Attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return attributes.EnumerateArray().Where(a => Text(a, "Id") == "account").Select(a => Text(a, "Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v));
    }

    private static decimal Amount(List<JsonElement> cells, int index)
    {
        var text = index < cells.Count ? Text(cells[index], "Value") : null;
        if (string.IsNullOrEmpty(text))
        {
            return 0m;
        }

        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new JsonException($"A Trial Balance amount is not a number: '{text}'.");
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
