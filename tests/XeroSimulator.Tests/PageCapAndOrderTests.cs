using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>Page sizes Xero chooses, list order, and records that move while a client pages through them.</summary>
public sealed class PageCapAndOrderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static SimulatorOptions Options(SimulatorBehaviour behaviour) => new()
    {
        Clock = new FakeTimeProvider(Start),
        Scale = 0.3,
        CreatedAt = Start,
        ChangesPerMinute = 0,
        Behaviour = behaviour,
    };

    [Fact(Timeout = 30_000)]
    public async Task A_page_size_cap_serves_fewer_records_than_asked_and_pagination_says_so()
    {
        await using var sim = await TestSimulator.StartAsync(Options(new SimulatorBehaviour { PageSizeCap = 70 }));
        var total = sim.State.Count(sim.TenantId, "Invoices");
        Assert.Equal(300, total);

        var ids = new List<string>();
        for (var page = 1; page <= 5; page++)
        {
            var body = await sim.GetJsonAsync($"Invoices?page={page}&pageSize=1000");
            var pagination = body.GetProperty("pagination");
            Assert.Equal(page, pagination.GetProperty("page").GetInt32());
            Assert.Equal(70, pagination.GetProperty("pageSize").GetInt32());
            Assert.Equal(5, pagination.GetProperty("pageCount").GetInt32());
            Assert.Equal(300, pagination.GetProperty("itemCount").GetInt32());
            Assert.Equal(page < 5 ? 70 : 20, body.GetProperty("Invoices").GetArrayLength());
            ids.AddRange(Ids(body, "Invoices", "InvoiceID"));
        }

        Assert.Equal(sim.State.ListedIds(sim.TenantId, "Invoices"), ids);

        // Asking for less than the cap is served as asked.
        var small = await sim.GetJsonAsync("Payments?page=1&pageSize=40");
        Assert.Equal(40, small.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        Assert.Equal(40, small.GetProperty("Payments").GetArrayLength());
    }

    [Fact(Timeout = 30_000)]
    public async Task The_cap_is_switched_at_runtime_through_the_control_api()
    {
        await using var sim = await TestSimulator.StartAsync(Options(SimulatorBehaviour.Default));
        var before = await sim.GetJsonAsync("Payments?page=1&pageSize=1000");
        Assert.Equal(1000, before.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        var payments = sim.State.Count(sim.TenantId, "Payments");
        Assert.InRange(payments, 101, 1000);
        Assert.Equal(payments, before.GetProperty("Payments").GetArrayLength());

        using (var set = await sim.Http.PostAsJsonAsync("_sim/behaviour", new { pageSizeCap = 50 }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        Assert.Equal(50, sim.State.Behaviour.PageSizeCap);
        var after = await sim.GetJsonAsync("Payments?page=3&pageSize=1000");
        Assert.Equal(50, after.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        Assert.Equal((payments + 49) / 50, after.GetProperty("pagination").GetProperty("pageCount").GetInt32());
        Assert.Equal(50, after.GetProperty("Payments").GetArrayLength());

        using var invalid = await sim.Http.PostAsJsonAsync("_sim/behaviour", new { pageSizeCap = 0 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_edit_after_page_one_under_updated_date_order_loses_the_record_that_crossed_into_page_one()
    {
        var behaviour = new SimulatorBehaviour
        {
            DefaultOrder = ListOrder.UpdatedDate,
            ScheduledChanges = [new ScheduledChange("Invoices", AfterRequest: 1, ChangeKind.Edit) { Position = 10 }],
        };
        await using var sim = await TestSimulator.StartAsync(Options(behaviour));
        var before = sim.State.ListedIds(sim.TenantId, "Invoices");

        var read = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            read.AddRange(Ids(await sim.GetJsonAsync($"Invoices?page={page}&pageSize=100"), "Invoices", "InvoiceID"));
        }

        var change = Assert.Single(sim.State.Changes);
        Assert.Equal(before[10], change.RecordId);
        Assert.True(change.Scheduled);
        var after = sim.State.ListedIds(sim.TenantId, "Invoices");
        Assert.Equal(change.RecordId, after[^1]);
        Assert.Equal(before[100], after[99]);

        // The edited invoice was read twice (page 1, then at the end of page 3); the one that moved into page 1 never.
        Assert.Equal([before[100]], before.Except(read));
        Assert.Equal(2, read.Count(id => id == change.RecordId));
    }

    [Fact(Timeout = 30_000)]
    public async Task Ordering_by_the_immutable_key_keeps_an_edit_from_moving_anything()
    {
        var behaviour = new SimulatorBehaviour
        {
            DefaultOrder = ListOrder.UpdatedDate,
            ScheduledChanges = [new ScheduledChange("Invoices", AfterRequest: 1, ChangeKind.Edit) { Position = 10 }],
        };
        await using var sim = await TestSimulator.StartAsync(Options(behaviour));
        var truth = sim.State.GetRecords(sim.TenantId, "Invoices").Keys.ToList();

        var read = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            read.AddRange(Ids(await sim.GetJsonAsync($"Invoices?page={page}&pageSize=100&order=InvoiceID%20ASC"), "Invoices", "InvoiceID"));
        }

        Assert.Single(sim.State.Changes);
        Assert.Equal(truth.Order(StringComparer.Ordinal), read);
    }

    [Fact(Timeout = 30_000)]
    public async Task Order_honours_fields_and_direction_and_rejects_a_malformed_order()
    {
        await using var sim = await TestSimulator.StartAsync(Options(SimulatorBehaviour.Default));
        var descending = Ids(await sim.GetJsonAsync("Payments?page=1&pageSize=1000&order=PaymentID%20DESC"), "Payments", "PaymentID");
        Assert.Equal(sim.State.GetRecords(sim.TenantId, "Payments").Keys.OrderDescending(StringComparer.Ordinal), descending);

        var byUpdated = (await sim.GetJsonAsync("Items?order=UpdatedDateUTC%20DESC")).GetProperty("Items").EnumerateArray()
            .Select(i => i.GetProperty("UpdatedDateUTC").GetString()!).ToList();
        Assert.Equal(byUpdated.OrderDescending(StringComparer.Ordinal), byUpdated);

        var byCode = Ids(await sim.GetJsonAsync("Accounts?order=Code"), "Accounts", "Code");
        Assert.Equal(byCode.Order(StringComparer.Ordinal), byCode);

        using var malformed = await sim.GetAsync("Invoices?page=1&order=InvoiceID%20SIDEWAYS");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("ValidationException", JsonDocument.Parse(await malformed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("Type").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task An_insert_between_pages_read_out_of_order_under_id_order_shifts_a_record_past_the_pages_read()
    {
        await using var sim = await TestSimulator.StartAsync(Options(SimulatorBehaviour.Default));
        const string query = "Payments?pageSize=50&order=PaymentID&page=";
        var count = sim.State.Count(sim.TenantId, "Payments");
        Assert.True(count > 100, $"{count} payments: the test needs at least three pages of 50");
        var page2 = Ids(await sim.GetJsonAsync(query + 2), "Payments", "PaymentID");
        var inserted = sim.State.ApplyChange(sim.TenantId, "Payments", ChangeKind.Insert);
        var page1 = Ids(await sim.GetJsonAsync(query + 1), "Payments", "PaymentID");
        var later = new List<string>();
        for (var page = 3; page <= (count + 1 + 49) / 50; page++)
        {
            later.AddRange(Ids(await sim.GetJsonAsync(query + page), "Payments", "PaymentID"));
        }

        var truth = sim.State.GetRecords(sim.TenantId, "Payments").Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(count + 1, truth.Count);
        Assert.Contains(inserted.RecordId, truth);
        var read = page1.Concat(page2).Concat(later).ToHashSet();

        // Before page 2's range the insert pushes page 1's last record into page 2 (already read); inside it, the new
        // record itself lands in page 2; after it, the later pages are read after the insert and see everything.
        var position = truth.IndexOf(inserted.RecordId);
        string[] expectedMissing = position < 50 ? [truth[50]] : position < 100 ? [inserted.RecordId] : [];
        Assert.Equal(expectedMissing, truth.Where(id => !read.Contains(id)));
    }

    private static List<string> Ids(JsonElement body, string collection, string key) =>
        [.. body.GetProperty(collection).EnumerateArray().Select(r => r.GetProperty(key).GetString()!)];
}
