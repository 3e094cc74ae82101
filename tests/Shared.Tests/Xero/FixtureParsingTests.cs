using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger.Local;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.Tests.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>Xero's OpenAPI examples (shared/fixtures/xero) served as responses: the client parses every collection.</summary>
public sealed class FixtureParsingTests
{
    /// <summary>
    /// Per fixture, written from Xero-OpenAPI xero_accounting.yaml 16.1.0: the collection's path and envelope property,
    /// its id field (the parameter of <c>GET /{collection}/{id}</c>) and the timestamp the row's <c>updated_at</c> carries
    /// (README: Xero's <c>UpdatedDateUTC</c>; Journals and BankTransfers have only <c>CreatedDateUTC</c>; null: none).
    /// </summary>
    private static readonly (string File, string Collection, string Property, string IdField, string? UpdatedField)[] Fixtures =
    [
        ("accounts.list.json", "Accounts", "Accounts", "AccountID", "UpdatedDateUTC"),
        ("bank_transactions.page.json", "BankTransactions", "BankTransactions", "BankTransactionID", "UpdatedDateUTC"),
        ("bank_transfers.list.json", "BankTransfers", "BankTransfers", "BankTransferID", "CreatedDateUTC"),
        ("contacts.page.json", "Contacts", "Contacts", "ContactID", "UpdatedDateUTC"),
        ("credit_notes.page.json", "CreditNotes", "CreditNotes", "CreditNoteID", "UpdatedDateUTC"),
        ("invoices.page.json", "Invoices", "Invoices", "InvoiceID", "UpdatedDateUTC"),
        ("items.list.json", "Items", "Items", "ItemID", "UpdatedDateUTC"),
        ("journals.offset.json", "Journals", "Journals", "JournalID", "CreatedDateUTC"),
        ("linked_transactions.page.json", "LinkedTransactions", "LinkedTransactions", "LinkedTransactionID", "UpdatedDateUTC"),
        ("manual_journals.page.json", "ManualJournals", "ManualJournals", "ManualJournalID", "UpdatedDateUTC"),
        ("organisation.json", "Organisation", "Organisations", "OrganisationID", null),
        ("overpayments.page.json", "Overpayments", "Overpayments", "OverpaymentID", "UpdatedDateUTC"),
        ("payments.page.json", "Payments", "Payments", "PaymentID", "UpdatedDateUTC"),
        ("prepayments.page.json", "Prepayments", "Prepayments", "PrepaymentID", "UpdatedDateUTC"),
        ("purchase_orders.page.json", "PurchaseOrders", "PurchaseOrders", "PurchaseOrderID", "UpdatedDateUTC"),
        ("tax_rates.list.json", "TaxRates", "TaxRates", "TaxType", null),
        ("tracking_categories.list.json", "TrackingCategories", "TrackingCategories", "TrackingCategoryID", null),
        ("users.list.json", "Users", "Users", "UserID", "UpdatedDateUTC"),
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Every_fixture_with_a_collection_parses_and_lands_exactly()
    {
        var folder = RepositoryPaths.RequireFixtures("xero");
        var stamped = 0;
        foreach (var (file, collection, property, idField, updatedField) in Fixtures)
        {
            var endpoint = EndpointCatalog.Get(collection);
            var body = await File.ReadAllTextAsync(Path.Combine(folder, file), Token);
            using var expected = JsonDocument.Parse(body);
            var records = expected.RootElement.GetProperty(property);
            Assert.True(records.GetArrayLength() > 0, $"{file}: empty collection");

            var handler = new StubHandler(request =>
            {
                // The spec's server is https://api.xero.com/api.xro/2.0; the collection's path follows it.
                Assert.Equal("/api.xro/2.0/" + collection, request.RequestUri!.AbsolutePath);
                return StubHandler.Json(HttpStatusCode.OK, body);
            });
            using var http = new HttpClient(handler);
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            using var state = new TempDirectory();
            using var limiter = new InProcessRateLimiter(Options.Create(new RateLimitOptions()), SqliteStateDatabase.InFolder(state.Path), time, NullLogger<InProcessRateLimiter>.Instance);
            var client = new XeroApiClient(http, new StaticTokens(), limiter, Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1/") }), time, NullLogger<XeroApiClient>.Instance);
            using var page = await client.GetPageAsync(new PageQuery("tenant-1", endpoint, 1, null, null, null), Token);
            Assert.True(records.GetArrayLength() == page.Count, $"{file}: {page.Count} records parsed");

            var lines = PageWriterTests.Lines(PageWriter.Write(page, endpoint, "tenant-1", "run-1", 1, time.GetUtcNow()));
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                var (line, raw) = lines[index++];
                // Exact bytes, except that line breaks (insignificant whitespace) become spaces to keep one record per line.
                Assert.True(record.GetRawText().Replace('\n', ' ').Replace('\r', ' ') == raw, $"{file} record {index}: payload bytes differ");
                Assert.True(JsonElement.DeepEquals(record, line.GetProperty("payload")), $"{file} record {index}: payload differs");
                Assert.Equal(record.GetProperty(idField).GetString(), line.GetProperty("record_id").GetString());
                var updatedAt = line.GetProperty("updated_at");
                if (updatedField is not null && record.TryGetProperty(updatedField, out var updated))
                {
                    Assert.Equal(MsDate(updated.GetString()!), DateTimeOffset.Parse(updatedAt.GetString()!, CultureInfo.InvariantCulture));
                    stamped++;
                }
                else
                {
                    // No such field (the collection has none, or the example omits it, as Accounts' does): no timestamp.
                    Assert.Equal(JsonValueKind.Null, updatedAt.ValueKind);
                }
            }
        }

        Assert.True(stamped >= 30, $"only {stamped} records carried their timestamp");
    }

    /// <summary>Xero's JSON date, <c>/Date(milliseconds since 1970 UTC[+zzzz])/</c>: the offset only says where, not when.</summary>
    private static DateTimeOffset MsDate(string text)
    {
        var match = Regex.Match(text, "^/Date\\((-?[0-9]+)([+-][0-9]{4})?\\)/$", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"'{text}' is not a Xero date");
        return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 30_000)]
    public async Task Pagination_page_size_and_item_count_come_from_xeros_pagination_object()
    {
        var folder = RepositoryPaths.RequireFixtures("xero");
        var checkedFiles = 0;
        foreach (var file in Directory.GetFiles(folder, "*.page.json"))
        {
            var table = Path.GetFileName(file).Split('.')[0];
            var body = await File.ReadAllTextAsync(file, Token);
            using var expected = JsonDocument.Parse(body);
            if (!EndpointCatalog.TryGet(table, out var endpoint) || !expected.RootElement.TryGetProperty("pagination", out var pagination))
            {
                continue;
            }

            using var http = new HttpClient(new StubHandler(_ => StubHandler.Json(HttpStatusCode.OK, body)));
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            using var state = new TempDirectory();
            using var limiter = new InProcessRateLimiter(Options.Create(new RateLimitOptions()), SqliteStateDatabase.InFolder(state.Path), time, NullLogger<InProcessRateLimiter>.Instance);
            var client = new XeroApiClient(http, new StaticTokens(), limiter, Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1/") }), time, NullLogger<XeroApiClient>.Instance);
            using var page = await client.GetPageAsync(new PageQuery("tenant-1", endpoint, 1, null, null, null), Token);
            var parsed = Assert.IsType<XeroPagination>(page.Pagination);
            Assert.Equal(pagination.GetProperty("page").GetInt32(), parsed.Page);
            Assert.Equal(pagination.GetProperty("pageSize").GetInt32(), parsed.PageSize);
            Assert.Equal(pagination.GetProperty("pageCount").GetInt32(), parsed.PageCount);
            Assert.Equal(pagination.GetProperty("itemCount").GetInt32(), parsed.ItemCount);
            checkedFiles++;
        }

        Assert.True(checkedFiles >= 5, $"{checkedFiles} paged fixtures with a pagination object");
    }
}
