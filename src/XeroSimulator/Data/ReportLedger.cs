using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>What the simulator's reports share: the walk over the general ledger up to a date, and the report envelope.</summary>
internal static class ReportLedger
{
    /// <summary>
    /// Visits every journal line (hidden journals included, <paramref name="unbooked"/> journal numbers left out) dated on or
    /// before <paramref name="date"/>, with its journal's date.
    /// </summary>
    public static void ForEachLine(RecordCollection journals, DateOnly date, IReadOnlyCollection<int> unbooked, Action<DateOnly, JsonElement> visit)
    {
        foreach (var journal in journals.Records.Where(j => !unbooked.Contains(j.Order + 1)))
        {
            using var document = JsonDocument.Parse(journal.Json);
            var journalDate = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(XeroDates.ParseMs(document.RootElement.GetProperty("JournalDate").GetString())).UtcDateTime);
            if (journalDate > date)
            {
                continue;
            }

            foreach (var line in document.RootElement.GetProperty("JournalLines").EnumerateArray())
            {
                visit(journalDate, line);
            }
        }
    }

    /// <summary>The answer's envelope around one report's <paramref name="rows"/>, as Xero-OpenAPI's report examples carry it.</summary>
    public static byte[] Envelope(JsonObject organisation, string reportName, string reportType, DateOnly date, JsonArray rows, DateTimeOffset now, string providerName)
    {
        var asAt = date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        var envelope = new JsonObject
        {
            ["Id"] = Guid.NewGuid().ToString(),
            ["Status"] = "OK",
            ["ProviderName"] = providerName,
            ["DateTimeUTC"] = XeroDates.Envelope(now),
            ["Reports"] = new JsonArray
            {
                new JsonObject
                {
                    ["ReportName"] = reportName,
                    ["ReportType"] = reportType,
                    ["ReportTitles"] = new JsonArray { reportName, organisation["Name"]!.GetValue<string>(), "As at " + asAt },
                    ["ReportDate"] = asAt,
                    ["UpdatedDateUTC"] = XeroDates.Envelope(now),
                    ["Fields"] = new JsonArray(),
                    ["Rows"] = rows,
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }
}
