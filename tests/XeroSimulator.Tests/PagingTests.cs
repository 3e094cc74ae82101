using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

public sealed class PagingTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task Page_and_page_size_report_page_count_item_count_and_a_short_last_page()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var total = sim.State.Count(sim.TenantId, "Invoices");
        Assert.Equal(300, total);

        var first = await sim.GetJsonAsync("Invoices?page=1&pageSize=70");
        var pagination = first.GetProperty("pagination");
        Assert.Equal(1, pagination.GetProperty("page").GetInt32());
        Assert.Equal(70, pagination.GetProperty("pageSize").GetInt32());
        Assert.Equal(5, pagination.GetProperty("pageCount").GetInt32());
        Assert.Equal(300, pagination.GetProperty("itemCount").GetInt32());
        Assert.Equal(70, first.GetProperty("Invoices").GetArrayLength());
        Assert.True(first.GetProperty("Invoices")[0].TryGetProperty("LineItems", out _));

        var last = await sim.GetJsonAsync("Invoices?page=5&pageSize=70");
        Assert.Equal(20, last.GetProperty("Invoices").GetArrayLength());
        var beyond = await sim.GetJsonAsync("Invoices?page=6&pageSize=70");
        Assert.Equal(0, beyond.GetProperty("Invoices").GetArrayLength());

        var defaults = await sim.GetJsonAsync("Invoices?page=1");
        Assert.Equal(100, defaults.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        Assert.Equal(100, defaults.GetProperty("Invoices").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Page_size_above_1000_is_clamped_and_pages_are_disjoint_in_creation_order()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var clamped = await sim.GetJsonAsync("Invoices?page=1&pageSize=5000");
        Assert.Equal(1000, clamped.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        Assert.Equal(1, clamped.GetProperty("pagination").GetProperty("pageCount").GetInt32());

        var ids = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await sim.GetJsonAsync($"Invoices?page={page}&pageSize=100");
            ids.AddRange(body.GetProperty("Invoices").EnumerateArray().Select(i => i.GetProperty("InvoiceID").GetString()!));
        }

        Assert.Equal(300, ids.Distinct().Count());
        Assert.Equal(sim.State.GetRecords(sim.TenantId, "Invoices").Keys.Order(), ids.Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task Invoices_without_page_return_everything_without_line_items_and_no_pagination()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var all = await sim.GetJsonAsync("Invoices");
        Assert.False(all.TryGetProperty("pagination", out _));
        Assert.Equal(300, all.GetProperty("Invoices").GetArrayLength());
        Assert.All(all.GetProperty("Invoices").EnumerateArray(), i => Assert.False(i.TryGetProperty("LineItems", out _)));

        var paged = await sim.GetJsonAsync("Invoices?page=1");
        Assert.All(paged.GetProperty("Invoices").EnumerateArray(), i => Assert.True(i.TryGetProperty("LineItems", out _)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Non_paged_endpoints_have_no_pagination_and_page_only_endpoints_use_100()
    {
        var options = TestSimulator.SmallOptions(new FakeTimeProvider(Start));
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = options.Clock, CreatedAt = Start, Scale = 1, ChangesPerMinute = 0 });
        var accounts = await sim.GetJsonAsync("Accounts?page=1&pageSize=10");
        Assert.False(accounts.TryGetProperty("pagination", out _));
        // Every account (more than the pageSize asked for): the simulator's 60 generated ones plus Retained Earnings.
        Assert.Equal(sim.State.Count(sim.TenantId, "Accounts"), accounts.GetProperty("Accounts").GetArrayLength());
        Assert.Equal(61, accounts.GetProperty("Accounts").GetArrayLength());

        var quotes = await sim.GetJsonAsync("Quotes?page=4&pageSize=1000");
        Assert.False(quotes.TryGetProperty("pagination", out _));
        Assert.Equal(50, quotes.GetProperty("Quotes").GetArrayLength());

        var organisation = await sim.GetJsonAsync("Organisation");
        Assert.Equal(1, organisation.GetProperty("Organisations").GetArrayLength());
        Assert.Equal("Demo Company 01", organisation.GetProperty("Organisations")[0].GetProperty("Name").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Journals_page_by_offset_on_journal_number_in_batches_of_100()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, Scale = 0.2, ChangesPerMinute = 0 });
        var numbers = new List<long>();
        var offset = 0L;
        while (true)
        {
            var body = await sim.GetJsonAsync($"Journals?offset={offset}");
            Assert.False(body.TryGetProperty("pagination", out _));
            var batch = body.GetProperty("Journals").EnumerateArray().Select(j => j.GetProperty("JournalNumber").GetInt64()).ToList();
            Assert.True(batch.Count <= 100);
            Assert.All(batch, n => Assert.True(n > offset));
            numbers.AddRange(batch);
            if (batch.Count < 100)
            {
                break;
            }

            offset = batch[^1];
        }

        var journals = sim.State.Count(sim.TenantId, "Journals");
        Assert.True(journals > 200, $"{journals} journals fit two calls");
        Assert.Equal(Enumerable.Range(1, journals).Select(i => (long)i), numbers);
    }

    [Fact(Timeout = 60_000)]
    public async Task If_modified_since_filters_before_paging_and_is_ignored_where_unsupported()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = clock, CreatedAt = Start, Scale = 0.05, ChangesPerMinute = 20 });
        clock.Advance(TimeSpan.FromMinutes(30));
        await sim.AuthenticateAsync();
        var since = Start.AddMinutes(10);
        var expected = sim.State.CountModifiedSince(sim.TenantId, "Invoices", since);
        Assert.InRange(expected, 1, 299);

        foreach (var header in new[] { since.ToString("r"), since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss"), since.ToString("o") })
        {
            var body = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000", ifModifiedSince: header);
            Assert.Equal(expected, body.GetProperty("pagination").GetProperty("itemCount").GetInt32());
            Assert.All(body.GetProperty("Invoices").EnumerateArray(), i =>
                Assert.True(ParseMs(i.GetProperty("UpdatedDateUTC").GetString()!) >= since.ToUnixTimeMilliseconds()));
        }

        var future = await sim.GetJsonAsync("Invoices?page=1", ifModifiedSince: Start.AddDays(1).ToString("r"));
        Assert.Equal(0, future.GetProperty("pagination").GetProperty("pageCount").GetInt32());
        Assert.Equal(0, future.GetProperty("Invoices").GetArrayLength());

        var currencies = await sim.GetJsonAsync("Currencies", ifModifiedSince: Start.AddDays(1).ToString("r"));
        Assert.Equal(sim.State.Count(sim.TenantId, "Currencies"), currencies.GetProperty("Currencies").GetArrayLength());

        var transfers = await sim.GetJsonAsync("BankTransfers?includeDeleted=true", ifModifiedSince: Start.AddDays(-60).ToString("r"));
        Assert.Equal(sim.State.CountModifiedSince(sim.TenantId, "BankTransfers", Start.AddDays(-60)), transfers.GetProperty("BankTransfers").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Archived_contacts_and_deleted_transfers_only_appear_when_asked_for()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, ChangesPerMinute = 0 });
        var truth = sim.State.GetRecords(sim.TenantId, "Contacts");
        var archived = truth.Values.Count(json => JsonDocument.Parse(json).RootElement.GetProperty("ContactStatus").GetString() == "ARCHIVED");
        Assert.InRange(archived, 30, 150);

        var without = await sim.GetJsonAsync("Contacts?page=1&pageSize=1000");
        Assert.Equal(truth.Count - archived, without.GetProperty("pagination").GetProperty("itemCount").GetInt32());
        var with = await sim.GetJsonAsync("Contacts?page=1&pageSize=1000&includeArchived=true");
        Assert.Equal(truth.Count, with.GetProperty("pagination").GetProperty("itemCount").GetInt32());

        var transfers = sim.State.Count(sim.TenantId, "BankTransfers");
        var visible = (await sim.GetJsonAsync("BankTransfers")).GetProperty("BankTransfers").GetArrayLength();
        var all = (await sim.GetJsonAsync("BankTransfers?includeDeleted=true")).GetProperty("BankTransfers").GetArrayLength();
        Assert.Equal(transfers, all);
        Assert.True(visible < all);
    }

    [Fact(Timeout = 60_000)]
    public async Task Responses_are_gzip_compressed_when_asked()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api.xro/2.0/Invoices?page=1");
        request.Headers.TryAddWithoutValidation("xero-tenant-id", sim.TenantId);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await sim.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
    }

    private static long ParseMs(string value) => long.Parse(value[6..value.IndexOf('+', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
}
