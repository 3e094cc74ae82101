using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// The journals a source document posts, as Xero's general ledger records them: base-currency amounts (a foreign
/// amount is converted as round(amount / CurrencyRate, 2) line by line), debits positive, every journal balanced.
/// </summary>
internal static class Posting
{
    /// <summary>Base-currency value of a document amount at <paramref name="rate"/> (units of the document's currency per base unit).</summary>
    public static decimal Base(decimal amount, decimal rate) =>
        rate == 1m ? amount : Math.Round(amount / rate, 2, MidpointRounding.AwayFromZero);

    /// <summary>The control account's base amount for a document: what its line and tax amounts convert to.</summary>
    public static decimal ControlBase(JsonObject document)
    {
        var rate = Rate(document);
        return Lines(document).Sum(l => Base(Decimal(l, "LineAmount"), rate) + Base(Decimal(l, "TaxAmount"), rate));
    }

    /// <summary>
    /// An invoice, credit note or bank transaction: one line per line item (its tracking kept), one sales-tax line,
    /// and the control line (receivable, payable or the bank account) for the total.
    /// </summary>
    public static JournalDraft Document(JsonObject document, string sourceId, string sourceType, int lineSign, AccountReference control, DateTimeOffset created, OrganisationReferences references)
    {
        var rate = Rate(document);
        var lines = new List<JournalLineDraft>();
        var netTotal = 0m;
        var taxTotal = 0m;
        foreach (var line in Lines(document))
        {
            var net = lineSign * Base(Decimal(line, "LineAmount"), rate);
            var tax = lineSign * Base(Decimal(line, "TaxAmount"), rate);
            netTotal += net;
            taxTotal += tax;
            var account = references.AccountsByCode[line["AccountCode"]!.GetValue<string>()];
            lines.Add(new JournalLineDraft(account, net, tax, line["TaxType"]?.GetValue<string>(), line["Description"]?.GetValue<string>() ?? "", line["Tracking"]?.DeepClone().AsArray()));
        }

        if (taxTotal != 0m)
        {
            lines.Add(new JournalLineDraft(references.SalesTax!, taxTotal, 0m, null, "", null));
        }

        lines.Add(new JournalLineDraft(control, -(netTotal + taxTotal), 0m, null, "", null));
        return new JournalDraft(created, DateOf(document), sourceId, sourceType, Text(document, "Reference"), lines);
    }

    /// <summary>A payment: the bank account against the receivable or payable, at the payment's base amount (BankAmount).</summary>
    public static JournalDraft Payment(JsonObject payment, AccountReference bank, AccountReference control, DateTimeOffset created)
    {
        var amount = Decimal(payment, "BankAmount");
        var type = payment["PaymentType"]!.GetValue<string>();
        var intoBank = type is "ACCRECPAYMENT" or "APCREDITPAYMENT";
        var sign = intoBank ? 1m : -1m;
        JournalLineDraft[] lines =
        [
            new(bank, sign * amount, 0m, null, "", null),
            new(control, -sign * amount, 0m, null, "", null),
        ];
        return new JournalDraft(created, DateOf(payment), payment["PaymentID"]!.GetValue<string>(), type, Text(payment, "Reference"), lines);
    }

    /// <summary>A posted manual journal: its lines as they are (LineAmount debit positive, base currency).</summary>
    public static JournalDraft ManualJournal(JsonObject journal, DateTimeOffset created, OrganisationReferences references)
    {
        var lines = Lines(journal, "JournalLines")
            .Select(l => new JournalLineDraft(references.AccountsByCode[l["AccountCode"]!.GetValue<string>()], Decimal(l, "LineAmount"), 0m, null, Text(l, "Description"), l["Tracking"]?.DeepClone().AsArray()))
            .ToList();
        return new JournalDraft(created, DateOf(journal), journal["ManualJournalID"]!.GetValue<string>(), "MANJOURNAL", Text(journal, "Narration"), lines);
    }

    /// <summary>A bank transfer: into one bank account, out of the other.</summary>
    public static JournalDraft Transfer(JsonObject transfer, AccountReference from, AccountReference to, DateTimeOffset created)
    {
        var amount = Decimal(transfer, "Amount");
        JournalLineDraft[] lines = [new(to, amount, 0m, null, "", null), new(from, -amount, 0m, null, "", null)];
        return new JournalDraft(created, DateOf(transfer), transfer["BankTransferID"]!.GetValue<string>(), "TRANSFER", Text(transfer, "Reference"), lines);
    }

    public static decimal Rate(JsonObject document) => document["CurrencyRate"] is JsonValue value ? value.GetValue<decimal>() : 1m;

    public static decimal Decimal(JsonObject node, string name) => node[name] is JsonValue value ? value.GetValue<decimal>() : 0m;

    private static DateTimeOffset DateOf(JsonObject document) =>
        DateTimeOffset.FromUnixTimeMilliseconds(XeroDates.ParseMs(document["Date"]!.GetValue<string>()));

    private static string Text(JsonObject node, string name) => node[name] is JsonValue value ? value.GetValue<string>() : "";

    private static IEnumerable<JsonObject> Lines(JsonObject document, string name = "LineItems") =>
        document[name] is JsonArray array ? array.OfType<JsonObject>() : [];
}
