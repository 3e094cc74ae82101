using System.Globalization;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Invoices, credit notes, quotes, purchase orders, repeating invoices and linked transactions.</summary>
internal static class SalesRecordFactory
{
    /// <summary>
    /// An invoice (a third of them bills) in its contact's currency. Approved ones post their journal; paid ones are
    /// settled by one or two payments, and some approved ones are part paid; voided ones post the reversal too.
    /// </summary>
    public static JsonObject Invoice(RecordContext c)
    {
        var references = c.References;
        var type = c.Random.Next(3) == 0 ? "ACCPAY" : "ACCREC";
        var sales = type == "ACCREC";
        var contact = c.Pick(references.Contacts);
        var lines = RecordShapes.LineItems(c, c.Random.Next(1, 4), out var subTotal, out var tax, accounts: sales ? references.RevenueAccounts : references.ExpenseAccounts, discounts: sales);
        var total = subTotal + tax;
        var roll = c.Random.Next(100);
        var status = roll switch { < 8 => "DRAFT", < 12 => "SUBMITTED", < 55 => "AUTHORISED", < 93 => "PAID", < 97 => "VOIDED", _ => "DELETED" };
        var number = "INV-" + c.Sequence.ToString("00000", CultureInfo.InvariantCulture);
        var date = XeroDates.Day(c.Timestamp.AddDays(-c.Random.Next(0, 60)));
        var dueDate = date.AddDays(30);
        var rate = Rate(c, contact.Currency);
        var invoice = new JsonObject
        {
            ["Type"] = type,
            ["InvoiceID"] = c.Id,
            ["InvoiceNumber"] = number,
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["Payments"] = new JsonArray(),
            ["CreditNotes"] = new JsonArray(),
            ["Prepayments"] = new JsonArray(),
            ["Overpayments"] = new JsonArray(),
            ["AmountDue"] = status is "VOIDED" or "DELETED" ? 0m : total,
            ["AmountPaid"] = 0.00m,
            ["AmountCredited"] = 0.00m,
            ["SentToContact"] = c.Random.Next(2) == 0,
            ["CurrencyRate"] = rate,
            ["HasErrors"] = false,
            ["IsDiscounted"] = lines.OfType<JsonObject>().Any(l => l.ContainsKey("DiscountRate")),
            ["HasAttachments"] = c.Random.Next(10) == 0,
        };
        if (references.RepeatingInvoiceIds.Count > 0 && c.Random.Next(10) == 0)
        {
            invoice["RepeatingInvoiceID"] = c.Pick(references.RepeatingInvoiceIds);
        }

        invoice["Contact"] = RecordShapes.ContactSummary(contact);
        invoice["DateString"] = XeroDates.DateString(date);
        invoice["Date"] = XeroDates.Record(date);
        invoice["DueDateString"] = XeroDates.DateString(dueDate);
        invoice["DueDate"] = XeroDates.Record(dueDate);
        invoice["Status"] = status == "PAID" ? "AUTHORISED" : status;
        invoice["LineAmountTypes"] = "Exclusive";
        invoice["LineItems"] = lines;
        invoice["SubTotal"] = subTotal;
        invoice["TotalTax"] = tax;
        invoice["Total"] = total;
        invoice["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp);
        invoice["UpdatedDateUTCString"] = XeroDates.UtcString(c.Timestamp);
        invoice["CurrencyCode"] = contact.Currency;
        Ledger.PostDocument(c, invoice, c.Id, type, Ledger.LineSign(type), Ledger.Control(type, references));
        if (status == "PAID")
        {
            var first = c.Random.Next(3) == 0 ? Settlement.Part(c.Random, total) : total;
            var firstDate = Settlement.DayBetween(c.Random, date, c.Timestamp);
            Settlement.Pay(c, invoice, first, firstDate, c.Pick(references.BankAccounts));
            if (first < total)
            {
                Settlement.Pay(c, invoice, total - first, Settlement.DayBetween(c.Random, firstDate, c.Timestamp), c.Pick(references.BankAccounts));
            }
        }
        else if (status == "AUTHORISED" && c.Random.Next(4) == 0)
        {
            Settlement.Pay(c, invoice, Settlement.Part(c.Random, total), Settlement.DayBetween(c.Random, date, c.Timestamp), c.Pick(references.BankAccounts));
        }

        references.Invoices.Add(new InvoiceReference(c.Id, number, type, contact, total));
        references.TransactionIds.Add(c.Id);
        return invoice;
    }

    /// <summary>
    /// A credit note in its contact's currency. Approved ones post their journal; paid ones were refunded in full,
    /// some approved ones in part; voided ones post the reversal too.
    /// </summary>
    public static JsonObject CreditNote(RecordContext c)
    {
        var references = c.References;
        var contact = c.Pick(references.Contacts);
        var type = c.Random.Next(2) == 0 ? "ACCRECCREDIT" : "ACCPAYCREDIT";
        var sales = type == "ACCRECCREDIT";
        var lines = RecordShapes.LineItems(c, c.Random.Next(1, 3), out var subTotal, out var tax, accounts: sales ? references.RevenueAccounts : references.ExpenseAccounts, discounts: sales);
        var total = subTotal + tax;
        var status = c.Random.Next(10) switch { 0 => "DRAFT", 1 => "VOIDED", 2 => "DELETED", 3 or 4 => "PAID", _ => "AUTHORISED" };
        var number = "CN-" + c.Sequence.ToString("0000", CultureInfo.InvariantCulture);
        var rate = Rate(c, contact.Currency);
        var note = new JsonObject
        {
            ["CreditNoteID"] = c.Id,
            ["CreditNoteNumber"] = number,
            ["Payments"] = new JsonArray(),
            ["ID"] = c.Id,
            ["CurrencyRate"] = rate,
            ["Type"] = type,
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["RemainingCredit"] = status is "AUTHORISED" or "PAID" ? total : 0m,
            ["Allocations"] = new JsonArray(),
            ["HasAttachments"] = false,
            ["Contact"] = RecordShapes.ContactSummary(contact),
            ["DateString"] = XeroDates.DateString(c.Date),
            ["Date"] = XeroDates.Record(c.Date),
            ["Status"] = status == "PAID" ? "AUTHORISED" : status,
            ["LineAmountTypes"] = "Exclusive",
            ["LineItems"] = lines,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = tax,
            ["Total"] = total,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["UpdatedDateUTCString"] = XeroDates.UtcString(c.Timestamp),
            ["CurrencyCode"] = contact.Currency,
        };
        Ledger.PostDocument(c, note, c.Id, type, Ledger.LineSign(type), Ledger.Control(type, references));
        if (status == "PAID" || (status == "AUTHORISED" && c.Random.Next(4) == 0))
        {
            var amount = status == "PAID" ? total : Settlement.Part(c.Random, total);
            Settlement.Pay(c, note, amount, Settlement.DayBetween(c.Random, c.Date, c.Timestamp), c.Pick(references.BankAccounts));
        }

        return note;
    }

    /// <summary>Base currency at rate 1; a foreign one at its rate moved by up to 3 per cent, to six places as Xero keeps it.</summary>
    private static decimal Rate(RecordContext c, string currency)
    {
        var foreign = c.References.ForeignCurrencies.Find(f => f.Code == currency);
        return foreign is null ? 1.000000m : Math.Round(foreign.Rate * (1m + (c.Random.Next(-300, 301) / 10000m)), 6);
    }

    public static JsonObject Quote(RecordContext c)
    {
        var contact = c.Pick(c.References.Contacts);
        var lines = RecordShapes.LineItems(c, c.Random.Next(1, 3), out var subTotal, out var tax, fourDecimalUnits: false);
        var expiry = c.Date.AddDays(30);
        return new JsonObject
        {
            ["QuoteID"] = c.Id,
            ["QuoteNumber"] = "QU-" + c.Sequence.ToString("0000", CultureInfo.InvariantCulture),
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["Terms"] = "",
            ["Contact"] = RecordShapes.ContactSummary(contact),
            ["LineItems"] = lines,
            ["Date"] = XeroDates.Record(c.Date),
            ["DateString"] = XeroDates.DateString(c.Date),
            ["ExpiryDate"] = XeroDates.Record(expiry),
            ["ExpiryDateString"] = XeroDates.DateString(expiry),
            ["Status"] = c.Random.Next(6) switch { 0 => "DRAFT", 1 => "DECLINED", 2 => "ACCEPTED", 3 => "INVOICED", 4 => "DELETED", _ => "SENT" },
            ["CurrencyRate"] = 1.000000m,
            ["CurrencyCode"] = c.References.BaseCurrency,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = tax,
            ["Total"] = subTotal + tax,
            ["TotalDiscount"] = 0.00m,
            ["Title"] = "Quote " + c.Sequence.ToString(CultureInfo.InvariantCulture),
            ["Summary"] = "",
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["LineAmountTypes"] = "EXCLUSIVE",
        };
    }

    public static JsonObject PurchaseOrder(RecordContext c)
    {
        var contact = c.Pick(c.References.Contacts);
        var lines = RecordShapes.LineItems(c, c.Random.Next(1, 3), out var subTotal, out var tax, fourDecimalUnits: false, accounts: c.References.ExpenseAccounts);
        var names = contact.Name.Split(' ', '-');
        var contactObject = new JsonObject
        {
            ["ContactID"] = contact.ContactId,
            ["ContactStatus"] = "ACTIVE",
            ["Name"] = contact.Name,
            ["FirstName"] = names[0],
            ["LastName"] = names.Length > 1 ? names[1] : "",
            ["Addresses"] = new JsonArray(new JsonObject
            {
                ["AddressType"] = "POBOX", ["City"] = "Wellington", ["Region"] = "", ["PostalCode"] = "6011", ["Country"] = "New Zealand", ["AttentionTo"] = "",
            }),
            ["Phones"] = new JsonArray(new JsonObject { ["PhoneType"] = "DEFAULT", ["PhoneNumber"] = "222-2222", ["PhoneAreaCode"] = "04", ["PhoneCountryCode"] = "" }),
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp.AddDays(-30)),
            ["ContactGroups"] = new JsonArray(),
            ["ContactPersons"] = new JsonArray(),
            ["HasValidationErrors"] = false,
        };
        return new JsonObject
        {
            ["PurchaseOrderID"] = c.Id,
            ["PurchaseOrderNumber"] = "PO-" + c.Sequence.ToString("0000", CultureInfo.InvariantCulture),
            ["Reference"] = RecordShapes.Phrase(c.Random),
            ["DateString"] = XeroDates.DateString(c.Date),
            ["Date"] = XeroDates.Record(c.Date),
            ["AttentionTo"] = contact.Name,
            ["HasErrors"] = false,
            ["IsDiscounted"] = false,
            ["Type"] = "PURCHASEORDER",
            ["CurrencyRate"] = 1.000000m,
            ["CurrencyCode"] = c.References.BaseCurrency,
            ["Contact"] = contactObject,
            ["Status"] = c.Random.Next(8) switch { 0 => "DRAFT", 1 => "DELETED", 2 => "SUBMITTED", 3 or 4 => "BILLED", _ => "AUTHORISED" },
            ["LineAmountTypes"] = "Exclusive",
            ["LineItems"] = lines,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = tax,
            ["Total"] = subTotal + tax,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["HasAttachments"] = false,
        };
    }

    public static JsonObject RepeatingInvoice(RecordContext c)
    {
        var contact = c.Pick(c.References.Contacts);
        var lines = RecordShapes.LineItems(c, 1, out var subTotal, out var tax, fourDecimalUnits: false);
        c.References.RepeatingInvoiceIds.Add(c.Id);
        return new JsonObject
        {
            ["Schedule"] = new JsonObject
            {
                ["Period"] = 1,
                ["Unit"] = "MONTHLY",
                ["DueDate"] = 20,
                ["DueDateType"] = "OFFOLLOWINGMONTH",
                ["StartDate"] = XeroDates.Record(c.Date),
                ["NextScheduledDate"] = XeroDates.Record(c.Date.AddMonths(1)),
            },
            ["RepeatingInvoiceID"] = c.Id,
            ["ID"] = c.Id,
            ["Type"] = "ACCREC",
            ["Reference"] = "Monthly " + RecordShapes.Phrase(c.Random),
            ["HasAttachments"] = false,
            ["Contact"] = RecordShapes.ContactSummary(contact),
            ["Status"] = c.Random.Next(8) == 0 ? "DRAFT" : "AUTHORISED",
            ["LineAmountTypes"] = "Exclusive",
            ["LineItems"] = lines,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = tax,
            ["Total"] = subTotal + tax,
            ["CurrencyCode"] = c.References.BaseCurrency,
        };
    }

    public static JsonObject LinkedTransaction(RecordContext c) => new()
    {
        ["LinkedTransactionID"] = c.Id,
        ["SourceTransactionID"] = c.Pick(c.References.TransactionIds),
        ["SourceLineItemID"] = c.NewId(),
        ["ContactID"] = c.Pick(c.References.Contacts).ContactId,
        ["TargetTransactionID"] = c.Pick(c.References.TransactionIds),
        ["TargetLineItemID"] = c.NewId(),
        ["Status"] = c.Random.Next(3) == 0 ? "BILLED" : "ONDRAFT",
        ["Type"] = "BILLABLEEXPENSE",
        ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
        ["SourceTransactionTypeCode"] = "ACCPAY",
    };
}
