using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// Pays an invoice or refunds a credit note: the payment record, its summary on the document (Payments,
/// AmountPaid/AmountDue or RemainingCredit, Status PAID once nothing is left) and the payment's journal.
/// </summary>
internal static class Settlement
{
    /// <summary>
    /// Records a payment of <paramref name="amount"/> (document currency) made on <paramref name="date"/> into or out
    /// of <paramref name="bank"/>, adds it to <see cref="OrganisationReferences.PendingPayments"/> and its journal to
    /// <see cref="OrganisationReferences.PendingJournals"/>, and returns it.
    /// </summary>
    public static JsonObject Pay(RecordContext c, JsonObject document, decimal amount, DateTimeOffset date, AccountReference bank)
    {
        var type = document["Type"]!.GetValue<string>();
        var isInvoice = type is "ACCREC" or "ACCPAY";
        var rate = Posting.Rate(document);
        var outstandingField = isInvoice ? "AmountDue" : "RemainingCredit";
        var outstanding = Posting.Decimal(document, outstandingField);
        if (amount <= 0m || amount > outstanding)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"A payment must be more than 0 and at most the {outstanding} outstanding.");
        }

        var summaries = document["Payments"]!.AsArray();
        var left = outstanding - amount;

        // The last payment clears what is left of the control account in base currency, so a foreign document's
        // receivable or payable nets to exactly zero once it is paid.
        var baseAmount = left == 0m
            ? Posting.ControlBase(document) - summaries.OfType<JsonObject>().Sum(p => Posting.Base(Posting.Decimal(p, "Amount"), rate))
            : Posting.Base(amount, rate);
        var paymentId = c.NewId();
        var number = isInvoice ? document["InvoiceNumber"]!.GetValue<string>() : document["CreditNoteNumber"]!.GetValue<string>();
        var reference = "Payment " + number;
        var paymentType = type switch { "ACCREC" => "ACCRECPAYMENT", "ACCPAY" => "ACCPAYPAYMENT", "ACCRECCREDIT" => "ARCREDITPAYMENT", _ => "APCREDITPAYMENT" };
        var payment = new JsonObject
        {
            ["PaymentID"] = paymentId,
            ["Date"] = XeroDates.Record(date),
            ["BankAmount"] = baseAmount,
            ["Amount"] = amount,
            ["Reference"] = reference,
            ["CurrencyRate"] = rate,
            ["PaymentType"] = paymentType,
            ["Status"] = "AUTHORISED",
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["UpdatedDateUTCString"] = XeroDates.UtcString(c.Timestamp),
            ["HasAccount"] = true,
            ["IsReconciled"] = c.Random.Next(2) == 0,
            ["Account"] = new JsonObject { ["AccountID"] = bank.AccountId, ["Code"] = bank.Code },
        };
        // About one receivable payment in eight is part of a batch, as in Xero's own example payments: the batch's
        // summary rides on it. Chosen from the payment's id, so the organisation's other draws stay as they were.
        var batches = c.References.BatchPaymentIds;
        if (type == "ACCREC" && batches.Count > 0 && paymentId[0] is '0' or '1')
        {
            var batchId = batches[Convert.ToInt32(paymentId[..4], 16) % batches.Count];
            payment["BatchPaymentID"] = batchId;
            payment["BatchPayment"] = RecordShapes.BatchPaymentSummary(c, batchId, bank, amount);
        }

        var contact = document["Contact"]!.DeepClone().AsObject();
        if (isInvoice)
        {
            // Xero's payment carries the invoice's contact with its ContactNumber (empty when the contact has none).
            contact["ContactNumber"] ??= "";
        }

        var currency = document["CurrencyCode"]!.GetValue<string>();
        if (isInvoice)
        {
            payment["Invoice"] = new JsonObject
            {
                ["Type"] = type,
                ["InvoiceID"] = document["InvoiceID"]!.GetValue<string>(),
                ["InvoiceNumber"] = number,
                ["Payments"] = new JsonArray(),
                ["CreditNotes"] = new JsonArray(),
                ["Prepayments"] = new JsonArray(),
                ["Overpayments"] = new JsonArray(),
                ["HasErrors"] = false,
                ["IsDiscounted"] = false,
                ["Contact"] = contact,
                ["LineItems"] = new JsonArray(),
                ["CurrencyCode"] = currency,
            };
        }
        else
        {
            payment["CreditNote"] = new JsonObject
            {
                ["Type"] = type,
                ["CreditNoteID"] = document["CreditNoteID"]!.GetValue<string>(),
                ["CreditNoteNumber"] = number,
                ["Contact"] = contact,
                ["LineItems"] = new JsonArray(),
                ["CurrencyCode"] = currency,
            };
        }

        payment["HasValidationErrors"] = false;
        summaries.Add(new JsonObject
        {
            ["PaymentID"] = paymentId,
            ["Date"] = XeroDates.Record(date),
            ["Amount"] = amount,
            ["Reference"] = reference,
            ["CurrencyRate"] = rate,
            ["HasAccount"] = false,
            ["HasValidationErrors"] = false,
        });
        document[outstandingField] = left;
        if (isInvoice)
        {
            document["AmountPaid"] = Posting.Decimal(document, "AmountPaid") + amount;
            if (left == 0m)
            {
                document["FullyPaidOnDate"] = XeroDates.Record(date);
            }
        }

        if (left == 0m)
        {
            document["Status"] = "PAID";
        }

        RecordMutator.Stamp(document, c.Timestamp);
        var control = type is "ACCREC" or "ACCRECCREDIT" ? c.References.Receivable! : c.References.Payable!;
        c.References.PendingPayments.Add(payment);
        c.References.PendingJournals.Add(Posting.Payment(payment, bank, control, c.Timestamp));
        return payment;
    }

    /// <summary>A day between <paramref name="from"/> and <paramref name="to"/> (both included).</summary>
    public static DateTimeOffset DayBetween(Random random, DateTimeOffset from, DateTimeOffset to)
    {
        var days = Math.Max(0, (int)(XeroDates.Day(to) - XeroDates.Day(from)).TotalDays);
        return XeroDates.Day(from).AddDays(random.Next(0, days + 1));
    }

    /// <summary>A part of <paramref name="amount"/>: 20 to 80 per cent, to the cent, never all of it.</summary>
    public static decimal Part(Random random, decimal amount) =>
        Math.Clamp(Math.Round(amount * random.Next(20, 81) / 100m, 2), 0.01m, amount - 0.01m);
}
