using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>General-ledger journals (append-only, numbered) and manual journals.</summary>
internal static class JournalRecordFactory
{
    public static JsonObject Journal(RecordContext c)
    {
        var amount = c.Money(10, 3000);
        var debit = c.Pick(c.References.Accounts);
        var credit = c.Pick(c.References.Accounts);
        var hasSource = c.References.Invoices.Count > 0;
        var source = hasSource ? c.Pick(c.References.Invoices) : null;
        return new JsonObject
        {
            ["JournalID"] = c.Id,
            ["JournalDate"] = XeroDates.Record(c.Date),
            ["JournalNumber"] = c.Sequence,
            ["CreatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["SourceID"] = source?.InvoiceId ?? c.NewId(),
            ["SourceType"] = source?.Type ?? "MANJOURNAL",
            ["JournalLines"] = new JsonArray(Line(c, debit, amount, null), Line(c, credit, -amount, "OUTPUT2")),
        };
    }

    public static JsonObject ManualJournal(RecordContext c)
    {
        var amount = c.Money(10, 3000);
        return new JsonObject
        {
            ["Date"] = XeroDates.Record(c.Date),
            ["Status"] = c.Random.Next(10) switch { 0 => "DRAFT", 1 => "VOIDED", 2 => "DELETED", _ => "POSTED" },
            ["LineAmountTypes"] = "NoTax",
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["ManualJournalID"] = c.Id,
            ["Narration"] = "Adjustment: " + RecordShapes.Phrase(c.Random),
            ["JournalLines"] = new JsonArray(ManualLine(c, amount), ManualLine(c, -amount)),
            ["ShowOnCashBasisReports"] = true,
            ["HasAttachments"] = false,
        };
    }

    private static JsonObject Line(RecordContext c, AccountReference account, decimal amount, string? taxType)
    {
        var line = new JsonObject
        {
            ["JournalLineID"] = c.NewId(),
            ["AccountID"] = account.AccountId,
            ["AccountCode"] = account.Code,
            ["AccountType"] = account.Type,
            ["AccountName"] = account.Name,
            ["Description"] = "",
            ["NetAmount"] = amount,
            ["GrossAmount"] = amount,
            ["TaxAmount"] = 0.00m,
        };
        if (taxType is not null)
        {
            line["TaxType"] = taxType;
            line["TaxName"] = "No GST";
        }

        line["TrackingCategories"] = new JsonArray();
        return line;
    }

    private static JsonObject ManualLine(RecordContext c, decimal amount) => new()
    {
        ["LineAmount"] = amount,
        ["AccountCode"] = c.Pick(c.References.Accounts).Code,
        ["Description"] = "Manual line",
        ["TaxType"] = "NONE",
        ["Tracking"] = new JsonArray(),
        ["TaxAmount"] = 0.00m,
        ["IsBlank"] = false,
    };
}
