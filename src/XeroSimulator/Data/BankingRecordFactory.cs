using System.Globalization;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Bank transactions and transfers, payments, batch payments, over/prepayments, receipts and expense claims.</summary>
internal static class BankingRecordFactory
{
    public static JsonObject BankTransaction(RecordContext c)
    {
        var contact = c.Pick(c.References.Contacts);
        var bank = c.Pick(c.References.BankAccounts);
        var kind = c.Random.Next(12);
        var type = kind switch { 0 => "RECEIVE-PREPAYMENT", 1 => "SPEND-OVERPAYMENT", < 6 => "RECEIVE", _ => "SPEND" };
        var receive = type.StartsWith("RECEIVE", StringComparison.Ordinal);
        var lines = RecordShapes.LineItems(c, c.Random.Next(1, 3), out var subTotal, out var tax, accounts: receive ? c.References.RevenueAccounts : c.References.ExpenseAccounts);
        var transaction = new JsonObject
        {
            ["BankTransactionID"] = c.Id,
            ["BankAccount"] = RecordShapes.AccountSummary(bank),
        };
        if (c.References.BatchPaymentIds.Count > 0 && kind is 2 or 3)
        {
            transaction["BatchPayment"] = RecordShapes.BatchPaymentSummary(c, c.Pick(c.References.BatchPaymentIds), bank, subTotal + tax);
        }

        transaction["Type"] = type;
        transaction["Reference"] = RecordShapes.Phrase(c.Random);
        transaction["IsReconciled"] = c.Random.Next(2) == 0;
        if (kind == 0)
        {
            transaction["PrepaymentID"] = c.NewId();
        }
        else if (kind == 1)
        {
            transaction["OverpaymentID"] = c.NewId();
        }

        transaction["HasAttachments"] = c.Random.Next(10) == 0;
        transaction["Contact"] = RecordShapes.ContactSummary(contact);
        transaction["DateString"] = XeroDates.DateString(c.Date);
        transaction["Date"] = XeroDates.Record(c.Date);
        transaction["Status"] = c.Random.Next(25) == 0 ? "DELETED" : "AUTHORISED";
        transaction["LineAmountTypes"] = "Exclusive";
        transaction["LineItems"] = lines;
        transaction["SubTotal"] = subTotal;
        transaction["TotalTax"] = tax;
        transaction["Total"] = subTotal + tax;
        transaction["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp);
        transaction["CurrencyCode"] = c.References.BaseCurrency;
        transaction["CurrencyRate"] = 1.000000m;
        Ledger.PostDocument(c, transaction, c.Id, receive ? "CASHREC" : "CASHPAID", receive ? -1 : 1, bank);
        c.References.TransactionIds.Add(c.Id);
        return transaction;
    }

    public static JsonObject BankTransfer(RecordContext c)
    {
        var from = c.References.BankAccounts[c.Random.Next(c.References.BankAccounts.Count)];
        var to = c.References.BankAccounts[(c.References.BankAccounts.IndexOf(from) + 1) % c.References.BankAccounts.Count];
        var transfer = new JsonObject
        {
            ["BankTransferID"] = c.Id,
            ["CreatedDateUTCString"] = XeroDates.DateString(c.Timestamp),
            ["CreatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["DateString"] = XeroDates.DateString(c.Date),
            ["Date"] = XeroDates.Record(c.Date),
            ["Status"] = c.Random.Next(10) == 0 ? "DELETED" : "AUTHORISED",
            ["FromBankAccount"] = new JsonObject { ["AccountID"] = from.AccountId, ["Name"] = from.Name },
            ["ToBankAccount"] = new JsonObject { ["AccountID"] = to.AccountId, ["Name"] = to.Name },
            ["Amount"] = c.Money(10, 5000),
            ["FromBankTransactionID"] = c.NewId(),
            ["ToBankTransactionID"] = c.NewId(),
            ["FromIsReconciled"] = c.Random.Next(2) == 0,
            ["ToIsReconciled"] = c.Random.Next(2) == 0,
            ["Reference"] = "Transfer " + c.Sequence.ToString(CultureInfo.InvariantCulture),
            ["HasAttachments"] = false,
            ["FromTracking"] = RecordShapes.TrackingLines(c),
            ["ToTracking"] = RecordShapes.TrackingLines(c),
        };
        if (transfer["Status"]!.GetValue<string>() == "AUTHORISED")
        {
            c.References.PendingJournals.Add(Posting.Transfer(transfer, from, to, c.Timestamp));
        }

        return transfer;
    }

    public static JsonObject BatchPayment(RecordContext c)
    {
        var account = c.Pick(c.References.BankAccounts);
        c.References.BatchPaymentIds.Add(c.Id);
        return new JsonObject
        {
            ["Account"] = new JsonObject { ["AccountID"] = account.AccountId },
            ["BatchPaymentID"] = c.Id,
            ["DateString"] = XeroDates.DateString(c.Date),
            ["Date"] = XeroDates.Record(c.Date),
            ["Reference"] = "Batch " + c.Sequence.ToString(CultureInfo.InvariantCulture),
            ["Type"] = c.Random.Next(2) == 0 ? "RECBATCH" : "PAYBATCH",
            ["Status"] = c.Random.Next(15) == 0 ? "DELETED" : "AUTHORISED",
            ["TotalAmount"] = c.Money(100, 10000),
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["IsReconciled"] = c.Random.Next(2) == 0,
            ["Payments"] = new JsonArray(),
        };
    }

    public static JsonObject Overpayment(RecordContext c) => Credit(c, "OverpaymentID", c.Random.Next(2) == 0 ? "RECEIVE-OVERPAYMENT" : "SPEND-OVERPAYMENT", "NoTax", false);

    public static JsonObject Prepayment(RecordContext c) => Credit(c, "PrepaymentID", c.Random.Next(2) == 0 ? "RECEIVE-PREPAYMENT" : "SPEND-PREPAYMENT", "Exclusive", true);

    public static JsonObject Receipt(RecordContext c)
    {
        var lines = RecordShapes.LineItems(c, 1, out var subTotal, out var tax);
        return new JsonObject
        {
            ["ReceiptID"] = c.Id,
            ["ReceiptNumber"] = c.Sequence,
            ["Date"] = XeroDates.Record(c.Date),
            ["Contact"] = RecordShapes.ContactSummary(c.Pick(c.References.Contacts)),
            ["User"] = new JsonObject { ["UserID"] = c.Pick(c.References.UserIds) },
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["LineAmountTypes"] = "Exclusive",
            ["LineItems"] = lines,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = tax,
            ["Total"] = subTotal + tax,
            ["Status"] = c.Random.Next(8) == 0 ? "VOIDED" : "AUTHORISED",
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["HasAttachments"] = false,
        };
    }

    public static JsonObject ExpenseClaim(RecordContext c)
    {
        var total = c.Money(20, 900);
        return new JsonObject
        {
            ["ExpenseClaimID"] = c.Id,
            ["Status"] = c.Random.Next(4) == 0 ? "PAID" : "AUTHORISED",
            ["User"] = new JsonObject { ["UserID"] = c.Pick(c.References.UserIds) },
            ["Receipts"] = new JsonArray(),
            ["Payments"] = new JsonArray(),
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["Total"] = total,
            ["AmountDue"] = total,
            ["AmountPaid"] = 0.00m,
            ["PaymentDueDate"] = XeroDates.Record(c.Date.AddDays(14)),
            ["ReportingDate"] = XeroDates.Record(c.Date),
        };
    }

    private static JsonObject Credit(RecordContext c, string keyField, string type, string lineAmountTypes, bool withInvoiceNumber)
    {
        var lines = RecordShapes.LineItems(c, 1, out var subTotal, out var tax);
        if (lineAmountTypes == "NoTax")
        {
            tax = 0;
        }

        var total = subTotal + tax;
        var status = c.Random.Next(10) switch { 0 => "VOIDED", 1 or 2 => "PAID", _ => "AUTHORISED" };
        var record = new JsonObject
        {
            [keyField] = c.Id,
            ["ID"] = c.Id,
            ["Type"] = type,
            ["Reference"] = "Reference for payment " + c.Sequence.ToString(CultureInfo.InvariantCulture),
        };
        if (withInvoiceNumber)
        {
            record["InvoiceNumber"] = "INV-P" + c.Sequence.ToString("0000", CultureInfo.InvariantCulture);
        }

        record["RemainingCredit"] = status == "AUTHORISED" ? total : 0m;
        var allocations = new JsonArray();
        record["Allocations"] = allocations;
        record["Payments"] = new JsonArray();
        record["HasAttachments"] = false;
        record["Contact"] = RecordShapes.ContactSummary(c.Pick(c.References.Contacts));
        record["DateString"] = XeroDates.DateString(c.Date);
        record["Date"] = XeroDates.Record(c.Date);
        record["Status"] = status;
        record["LineAmountTypes"] = lineAmountTypes;
        record["LineItems"] = lines;
        record["SubTotal"] = subTotal;
        record["TotalTax"] = tax;
        record["Total"] = total;
        record["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp);
        record["UpdatedDateUTCString"] = XeroDates.UtcString(c.Timestamp);
        record["CurrencyCode"] = c.References.BaseCurrency;
        if (status == "PAID" && c.References.Invoices.Count > 0)
        {
            // Fully applied to one invoice (RemainingCredit 0). Drawn last, so the other fields keep their values.
            // The invoice does not yet show the allocation (its Prepayments/Overpayments and AmountCredited).
            var invoice = c.Pick(c.References.Invoices);
            allocations.Add(new JsonObject
            {
                ["AllocationID"] = c.NewId(),
                ["Amount"] = total,
                ["Date"] = XeroDates.Record(c.Date),
                ["Invoice"] = new JsonObject { ["InvoiceID"] = invoice.InvoiceId, ["InvoiceNumber"] = invoice.InvoiceNumber },
                ["IsDeleted"] = false,
            });
        }

        return record;
    }
}
