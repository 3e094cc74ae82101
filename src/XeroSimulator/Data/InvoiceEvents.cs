using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>What happens to invoices after they are raised: approval, payment (in full or in part) and voiding, each posted.</summary>
internal static class InvoiceEvents
{
    /// <summary>
    /// The next step of the invoice's life: DRAFT to SUBMITTED; SUBMITTED to AUTHORISED (its journal posted); an
    /// approved invoice without payments is sometimes VOIDED (the reversing journal posted), otherwise paid, in full
    /// or in part; any other invoice gets a new Reference. Stamps UpdatedDateUTC.
    /// </summary>
    public static void Advance(RecordContext c, JsonObject invoice)
    {
        var status = invoice["Status"]?.GetValue<string>();
        var due = Posting.Decimal(invoice, "AmountDue");
        var unpaid = Posting.Decimal(invoice, "AmountPaid") == 0m;
        switch (status)
        {
            case "DRAFT":
                invoice["Status"] = "SUBMITTED";
                break;
            case "SUBMITTED":
                invoice["Status"] = "AUTHORISED";
                Ledger.PostDocument(c, invoice, Id(invoice), Type(invoice), Ledger.LineSign(Type(invoice)), Ledger.Control(Type(invoice), c.References));
                break;
            case "AUTHORISED" when unpaid && c.Random.Next(10) == 0:
                invoice["Status"] = "VOIDED";
                invoice["AmountDue"] = 0.00m;
                c.References.PendingJournals.Add(Posting.Document(invoice, Id(invoice), Type(invoice), Ledger.LineSign(Type(invoice)), Ledger.Control(Type(invoice), c.References), c.Timestamp, c.References).Reversal(c.Timestamp));
                break;
            case "AUTHORISED" when due > 0m:
                Pay(c, invoice);
                break;
            default:
                invoice["Reference"] = RecordShapes.Phrase(c.Random);
                break;
        }

        RecordMutator.Stamp(invoice, c.Timestamp);
    }

    /// <summary>Pays what is due on an approved invoice, or part of it, today; returns the payment.</summary>
    public static JsonObject Pay(RecordContext c, JsonObject invoice)
    {
        var due = Posting.Decimal(invoice, "AmountDue");
        var amount = due >= 0.02m && c.Random.Next(4) == 0 ? Settlement.Part(c.Random, due) : due;
        return Settlement.Pay(c, invoice, amount, XeroDates.Day(c.Timestamp), c.Pick(c.References.BankAccounts));
    }

    /// <summary>Whether the invoice can take a payment: approved with something due.</summary>
    public static bool IsOpen(JsonObject invoice) =>
        invoice["Status"]?.GetValue<string>() == "AUTHORISED" && Posting.Decimal(invoice, "AmountDue") > 0m;

    private static string Id(JsonObject invoice) => invoice["InvoiceID"]!.GetValue<string>();

    private static string Type(JsonObject invoice) => invoice["Type"]!.GetValue<string>();
}
