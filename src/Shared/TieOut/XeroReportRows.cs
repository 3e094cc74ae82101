using System.Globalization;
using System.Text.Json;

namespace XeroSync.TieOut;

/// <summary>
/// The walk both of Xero's report readers share (a ReportWithRow of Xero-OpenAPI): the report's Rows, each Section's Rows,
/// the cells of a row, the account id a cell carries as its attribute <c>account</c>, and a cell's amount.
/// </summary>
internal static class XeroReportRows
{
    /// <summary>The top-level Rows of <paramref name="reportJson"/>, or a <see cref="JsonException"/> naming <paramref name="reportName"/>.</summary>
    public static JsonDocument Open(ReadOnlySpan<byte> reportJson, string reportName, out JsonElement rows)
    {
        var reader = new Utf8JsonReader(reportJson);
        var document = JsonDocument.ParseValue(ref reader);
        var report = document.RootElement;
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("Rows", out rows) || rows.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new JsonException($"Xero's {reportName} has no Rows.");
        }

        return document;
    }

    public static IEnumerable<JsonElement> SectionRows(JsonElement section) =>
        section.TryGetProperty("Rows", out var rows) && rows.ValueKind == JsonValueKind.Array ? rows.EnumerateArray() : [];

    public static List<JsonElement> Cells(JsonElement row) =>
        row.TryGetProperty("Cells", out var cells) && cells.ValueKind == JsonValueKind.Array ? [.. cells.EnumerateArray()] : [];

    /// <summary>The account id the row's cells carry (attribute <c>account</c>), or null for a row that is no account (totals, Net Assets).</summary>
    public static string? AccountId(List<JsonElement> cells) => cells.Select(AccountIdOf).FirstOrDefault(id => id is not null);

    public static decimal Amount(List<JsonElement> cells, int index, string reportName)
    {
        var text = index < cells.Count ? Text(cells[index], "Value") : null;
        if (string.IsNullOrEmpty(text))
        {
            return 0m;
        }

        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new JsonException($"A {reportName} amount is not a number: '{text}'.");
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? AccountIdOf(JsonElement cell)
    {
        if (!cell.TryGetProperty("Attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return attributes.EnumerateArray().Where(a => Text(a, "Id") == "account").Select(a => Text(a, "Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v));
    }
}
