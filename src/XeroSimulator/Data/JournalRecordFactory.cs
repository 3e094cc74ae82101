using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>General-ledger journals (append-only, numbered, made from the documents that post them) and manual journals.</summary>
internal static class JournalRecordFactory
{
    /// <summary>The journal record for <paramref name="draft"/> with JournalNumber <paramref name="number"/>.</summary>
    public static JsonObject Journal(JournalDraft draft, int number, Random random)
    {
        var lines = new JsonArray();
        foreach (var line in draft.Lines)
        {
            lines.Add(Line(line, random));
        }

        return new JsonObject
        {
            ["JournalID"] = random.NextGuid().ToString(),
            ["JournalDate"] = XeroDates.Record(draft.Date),
            ["JournalNumber"] = number,
            ["CreatedDateUTC"] = XeroDates.Record(draft.Created),
            ["Reference"] = draft.Reference,
            ["SourceID"] = draft.SourceId,
            ["SourceType"] = draft.SourceType,
            ["JournalLines"] = lines,
        };
    }

    /// <summary>A manual journal of two to four lines on adjustment accounts that balance; a posted one posts its journal.</summary>
    public static JsonObject ManualJournal(RecordContext c)
    {
        var status = c.Random.Next(10) switch { 0 => "DRAFT", 1 => "VOIDED", 2 => "DELETED", _ => "POSTED" };
        var lines = new JsonArray();
        var pairs = c.Random.Next(1, 3);
        for (var i = 0; i < pairs; i++)
        {
            var amount = c.Money(10, 3000);
            lines.Add(ManualLine(c, amount));
            lines.Add(ManualLine(c, -amount));
        }

        var journal = new JsonObject
        {
            ["Date"] = XeroDates.Record(c.Date),
            ["Status"] = status,
            ["LineAmountTypes"] = "NoTax",
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["ManualJournalID"] = c.Id,
            ["Narration"] = "Adjustment: " + RecordShapes.Phrase(c.Random),
            ["JournalLines"] = lines,
            ["ShowOnCashBasisReports"] = true,
            ["HasAttachments"] = false,
        };
        if (status == "POSTED")
        {
            c.References.PendingJournals.Add(Posting.ManualJournal(journal, c.Timestamp, c.References));
        }

        return journal;
    }

    private static JsonObject Line(JournalLineDraft draft, Random random)
    {
        var account = draft.Account;
        var line = new JsonObject
        {
            ["JournalLineID"] = random.NextGuid().ToString(),
            ["AccountID"] = account.AccountId,
            ["AccountCode"] = account.Code,
            ["AccountType"] = account.Type,
            ["AccountName"] = account.Name,
            ["Description"] = draft.Description,
            ["NetAmount"] = draft.Net,
            ["GrossAmount"] = draft.Net + draft.Tax,
            ["TaxAmount"] = draft.Tax,
        };
        if (draft.TaxType is not null)
        {
            line["TaxType"] = draft.TaxType;
            line["TaxName"] = draft.TaxType == "INPUT2" ? "GST on Expenses" : "GST on Income";
        }

        var tracking = new JsonArray();
        foreach (var option in draft.Tracking?.OfType<JsonObject>() ?? [])
        {
            tracking.Add(new JsonObject
            {
                ["Name"] = option["Name"]!.DeepClone(),
                ["Option"] = option["Option"]!.DeepClone(),
                ["TrackingCategoryID"] = option["TrackingCategoryID"]!.DeepClone(),
                ["TrackingOptionID"] = option["TrackingOptionID"]!.DeepClone(),
                ["Options"] = new JsonArray(),
            });
        }

        line["TrackingCategories"] = tracking;
        return line;
    }

    private static JsonObject ManualLine(RecordContext c, decimal amount)
    {
        var account = c.Pick(c.References.AdjustmentAccounts);
        return new JsonObject
        {
            ["LineAmount"] = amount,
            ["AccountCode"] = account.Code,
            ["AccountID"] = account.AccountId,
            ["Description"] = "Manual line",
            ["TaxType"] = "NONE",
            ["Tracking"] = RecordShapes.LineTracking(c),
            ["TaxAmount"] = 0.00m,
            ["IsBlank"] = false,
        };
    }
}
