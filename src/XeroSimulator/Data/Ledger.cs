using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Moves the payments and journals documents have made into their collections: payments as made, journals numbered.</summary>
internal static class Ledger
{
    /// <summary>
    /// Adds what is pending for <paramref name="collection"/> (Payments or Journals); journals in CreatedDateUTC order
    /// (then posting order), numbered from the collection's next JournalNumber.
    /// </summary>
    public static void AddPending(RecordCollection collection, OrganisationReferences references, Random random)
    {
        switch (collection.Definition.Name)
        {
            case "Payments":
                foreach (var payment in references.PendingPayments)
                {
                    collection.Add(payment);
                }

                references.PendingPayments.Clear();
                break;
            case "Journals":
                foreach (var draft in references.PendingJournals.OrderBy(d => d.Created))
                {
                    collection.Add(JournalRecordFactory.Journal(draft, collection.NextSequence, random));
                }

                references.PendingJournals.Clear();
                break;
            default:
                throw new ArgumentException($"{collection.Definition.Name} records are not made by other records.", nameof(collection));
        }
    }

    /// <summary>How a document's lines post: sales lines (ACCREC, ACCPAYCREDIT) are credits, purchase lines debits.</summary>
    public static int LineSign(string type) => type is "ACCREC" or "ACCPAYCREDIT" ? -1 : 1;

    /// <summary>The control account an invoice or credit note posts its total to.</summary>
    public static AccountReference Control(string type, OrganisationReferences references) =>
        type is "ACCREC" or "ACCRECCREDIT" ? references.Receivable! : references.Payable!;

    /// <summary>Posts a document's journal (and, voided, its reversal) if its status is one that posts.</summary>
    public static void PostDocument(RecordContext c, JsonObject document, string sourceId, string sourceType, int lineSign, AccountReference control)
    {
        var status = document["Status"]!.GetValue<string>();
        if (status is not ("AUTHORISED" or "PAID" or "VOIDED"))
        {
            return;
        }

        var draft = Posting.Document(document, sourceId, sourceType, lineSign, control, c.Timestamp, c.References);
        c.References.PendingJournals.Add(draft);
        if (status == "VOIDED")
        {
            c.References.PendingJournals.Add(draft.Reversal(c.Timestamp));
        }
    }
}
