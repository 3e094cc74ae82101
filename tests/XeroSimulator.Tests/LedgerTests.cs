using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// The simulated organisation ties out, proven from its records alone: payments settle their documents, every
/// journal balances, each approved document's journal carries its totals, and revenue from the journals equals
/// revenue from the source documents in every month, after an hour of live changes too. Foreign amounts convert to
/// base currency as Xero documents it (amount / CurrencyRate), to the cent, line by line.
/// </summary>
public sealed class LedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, int> Hours => new() { { 11, 0 }, { 12, 1 } };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Hours))]
    public void Payments_settle_their_documents_exactly(int seed, int hours)
    {
        var books = Books.Open(seed, hours);
        var payments = books.All("Payments");
        var byDocument = payments.ToLookup(p => p.TryGetProperty("Invoice", out var i) ? i.GetProperty("InvoiceID").GetString() : p.GetProperty("CreditNote").GetString("CreditNoteID"));
        var partPaid = 0;
        foreach (var invoice in books.All("Invoices"))
        {
            var id = invoice.GetString("InvoiceID");
            var status = invoice.GetString("Status");
            var summaries = invoice.GetProperty("Payments").EnumerateArray().ToList();
            var records = byDocument[id].ToList();
            Assert.Equal(summaries.Select(s => s.GetString("PaymentID")).Order(), records.Select(r => r.GetString("PaymentID")).Order());
            Assert.Equal(invoice.GetProperty("AmountPaid").GetDecimal(), records.Sum(r => r.GetProperty("Amount").GetDecimal()));
            Assert.Equal(invoice.GetProperty("AmountPaid").GetDecimal(), summaries.Sum(r => r.GetProperty("Amount").GetDecimal()));
            if (status is "DRAFT" or "SUBMITTED" or "VOIDED" or "DELETED")
            {
                Assert.Empty(records);
            }

            if (status is "AUTHORISED" or "PAID")
            {
                Assert.Equal(invoice.GetProperty("Total").GetDecimal() - invoice.GetProperty("AmountPaid").GetDecimal(), invoice.GetProperty("AmountDue").GetDecimal());
                Assert.Equal(status == "PAID", invoice.GetProperty("AmountDue").GetDecimal() == 0m);
                partPaid += status == "AUTHORISED" && records.Count > 0 ? 1 : 0;
            }
        }

        foreach (var note in books.All("CreditNotes"))
        {
            var refunded = byDocument[note.GetString("CreditNoteID")].Sum(r => r.GetProperty("Amount").GetDecimal());
            if (note.GetString("Status") is "AUTHORISED" or "PAID")
            {
                Assert.Equal(note.GetProperty("Total").GetDecimal() - refunded, note.GetProperty("RemainingCredit").GetDecimal());
            }
            else
            {
                Assert.Equal(0m, refunded);
            }
        }

        Assert.True(partPaid > 0, "no invoice is part paid");
        Assert.Contains(books.All("Invoices"), i => i.GetString("Status") == "PAID" && i.GetProperty("Payments").GetArrayLength() == 2);
        Assert.Contains(payments, p => p.GetProperty("CurrencyRate").GetDecimal() != 1m);
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Hours))]
    public void Every_journal_balances_and_each_posted_document_has_its_journal_carrying_its_totals(int seed, int hours)
    {
        var books = Books.Open(seed, hours);
        var journals = books.All("Journals").OrderBy(j => j.GetProperty("JournalNumber").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, journals.Count).Select(i => (long)i), journals.Select(j => j.GetProperty("JournalNumber").GetInt64()));
        foreach (var journal in journals)
        {
            Assert.Equal(0m, journal.GetProperty("JournalLines").EnumerateArray().Sum(l => l.GetProperty("NetAmount").GetDecimal()));
        }

        var bySource = journals.ToLookup(j => j.GetString("SourceID"));
        foreach (var (endpoint, key) in new[] { ("Invoices", "InvoiceID"), ("CreditNotes", "CreditNoteID"), ("BankTransactions", "BankTransactionID") })
        {
            foreach (var document in books.All(endpoint))
            {
                var posted = bySource[document.GetString(key)].Where(j => j.GetString("SourceType") is not ("ACCRECPAYMENT" or "ACCPAYPAYMENT" or "ARCREDITPAYMENT" or "APCREDITPAYMENT")).ToList();
                switch (document.GetString("Status"))
                {
                    case "AUTHORISED" or "PAID":
                        var journal = Assert.Single(posted);
                        var rate = document.TryGetProperty("CurrencyRate", out var r) ? r.GetDecimal() : 1m;
                        var lines = document.GetProperty("LineItems").EnumerateArray().ToList();
                        var gross = lines.Sum(l => Base(l.GetProperty("LineAmount").GetDecimal(), rate) + Base(l.GetProperty("TaxAmount").GetDecimal(), rate));
                        var control = journal.GetProperty("JournalLines").EnumerateArray().Last();
                        Assert.Equal(gross, Math.Abs(control.GetProperty("NetAmount").GetDecimal()));
                        if (rate == 1m)
                        {
                            Assert.Equal(document.GetProperty("Total").GetDecimal(), gross);
                        }

                        Assert.Equal(document.GetProperty("Date").GetString(), journal.GetProperty("JournalDate").GetString());
                        break;
                    case "VOIDED":
                        Assert.True(posted.Count is 0 or 2, $"{endpoint} {document.GetString(key)}: {posted.Count} journals");
                        break;
                    default:
                        Assert.Empty(posted);
                        break;
                }
            }
        }

        foreach (var payment in books.All("Payments"))
        {
            var journal = Assert.Single(bySource[payment.GetString("PaymentID")]);
            Assert.Equal(payment.GetProperty("BankAmount").GetDecimal(), journal.GetProperty("JournalLines").EnumerateArray().Max(l => Math.Abs(l.GetProperty("NetAmount").GetDecimal())));
        }

        Assert.Contains(journals, j => j.GetString("SourceType") == "MANJOURNAL");
        Assert.Contains(journals, j => j.GetString("SourceType") == "CASHREC");
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Hours))]
    public void Revenue_from_the_journals_equals_revenue_from_the_source_documents_in_every_month(int seed, int hours)
    {
        var books = Books.Open(seed, hours);
        var revenueCodes = books.All("Accounts").Where(a => a.GetString("Class") == "REVENUE").Select(a => a.GetString("Code")).ToHashSet(StringComparer.Ordinal);
        var fromJournals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var journal in books.All("Journals"))
        {
            var month = Month(journal.GetString("JournalDate"));
            foreach (var line in journal.GetProperty("JournalLines").EnumerateArray().Where(l => revenueCodes.Contains(l.GetString("AccountCode"))))
            {
                fromJournals[month] = fromJournals.GetValueOrDefault(month) - line.GetProperty("NetAmount").GetDecimal();
            }
        }

        var fromDocuments = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(JsonElement document, decimal sign)
        {
            var rate = document.TryGetProperty("CurrencyRate", out var r) ? r.GetDecimal() : 1m;
            var month = Month(document.GetString("Date"));
            foreach (var line in document.GetProperty("LineItems").EnumerateArray().Where(l => revenueCodes.Contains(l.GetString("AccountCode"))))
            {
                fromDocuments[month] = fromDocuments.GetValueOrDefault(month) + (sign * Base(line.GetProperty("LineAmount").GetDecimal(), rate));
            }
        }

        foreach (var invoice in books.All("Invoices").Where(i => i.GetString("Status") is "AUTHORISED" or "PAID"))
        {
            Add(invoice, invoice.GetString("Type") == "ACCREC" ? 1m : -1m);
        }

        foreach (var note in books.All("CreditNotes").Where(i => i.GetString("Status") is "AUTHORISED" or "PAID"))
        {
            Add(note, note.GetString("Type") == "ACCRECCREDIT" ? -1m : 1m);
        }

        foreach (var transaction in books.All("BankTransactions").Where(i => i.GetString("Status") == "AUTHORISED"))
        {
            Add(transaction, transaction.GetString("Type").StartsWith("RECEIVE", StringComparison.Ordinal) ? 1m : -1m);
        }

        Assert.True(fromDocuments.Count >= 12, $"{fromDocuments.Count} months");
        Assert.True(fromDocuments.Values.Sum() > 0m);
        Assert.Equal(fromDocuments.OrderBy(p => p.Key), fromJournals.Where(p => p.Value != 0m).OrderBy(p => p.Key));
    }

    [Fact(Timeout = 120_000)]
    public void Lines_and_contacts_carry_the_fields_of_Xeros_examples_with_tracking_and_foreign_currencies()
    {
        var books = Books.Open(11, 1);
        var categories = books.All("TrackingCategories").ToDictionary(c => c.GetString("TrackingCategoryID"), StringComparer.Ordinal);
        var lines = books.All("Invoices").SelectMany(i => i.GetProperty("LineItems").EnumerateArray()).ToList();
        Assert.Contains(lines, l => l.TryGetProperty("ItemCode", out _));
        Assert.Contains(lines, l => l.TryGetProperty("DiscountRate", out _));
        Assert.All(lines, l => Assert.True(l.TryGetProperty("AccountID", out _)));
        var tracked = lines.SelectMany(l => l.GetProperty("Tracking").EnumerateArray()).ToList();
        Assert.True(tracked.Count > lines.Count / 2, $"{tracked.Count} tracking options on {lines.Count} lines");
        foreach (var option in tracked)
        {
            var category = categories[option.GetString("TrackingCategoryID")];
            Assert.Equal(category.GetString("Name"), option.GetString("Name"));
            var declared = Assert.Single(category.GetProperty("Options").EnumerateArray(), o => o.GetString("TrackingOptionID") == option.GetString("TrackingOptionID"));
            Assert.Equal(declared.GetString("Name"), option.GetString("Option"));
        }

        Assert.True(books.All("Invoices").Select(i => i.GetString("CurrencyCode")).Distinct().Count() > 1);
        Assert.All(books.All("Contacts"), c =>
        {
            Assert.False(string.IsNullOrEmpty(c.GetString("ContactNumber")));
            Assert.False(string.IsNullOrEmpty(c.GetString("DefaultCurrency")));
            Assert.True(c.GetProperty("PaymentTerms").TryGetProperty("Sales", out _));
        });
        Assert.All(books.All("PurchaseOrders"), p => Assert.False(p.TryGetProperty("Name", out _)));
        Assert.Contains(books.All("PurchaseOrders"), p => p.GetProperty("Reference").GetString()!.Contains("(edited", StringComparison.Ordinal));
    }

    private static decimal Base(decimal amount, decimal rate) => rate == 1m ? amount : Math.Round(amount / rate, 2, MidpointRounding.AwayFromZero);

    private static string Month(string xeroDate)
    {
        var ms = long.Parse(xeroDate.AsSpan(6, xeroDate.IndexOfAny(['+', ')'], 6) - 6), CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    /// <summary>One tenant's records after <c>hours</c> of live changes (10 a minute).</summary>
    private sealed class Books
    {
        private readonly Dictionary<string, List<JsonElement>> _records = new(StringComparer.Ordinal);

        public static Books Open(int seed, int hours)
        {
            var clock = new FakeTimeProvider(Start);
            var state = new SimulatorState(new SimulatorOptions { Clock = clock, Seed = seed, Tenants = 1, Scale = 0.1, CreatedAt = Start, ChangesPerMinute = 10 });
            clock.Advance(TimeSpan.FromHours(hours));
            var books = new Books();
            foreach (var endpoint in state.Endpoints)
            {
                books._records[endpoint] = [.. state.GetRecords(state.Tenants[0].TenantId, endpoint).Values.Select(json => JsonDocument.Parse(json).RootElement)];
            }

            return books;
        }

        public IReadOnlyList<JsonElement> All(string endpoint) => _records[endpoint];
    }
}
