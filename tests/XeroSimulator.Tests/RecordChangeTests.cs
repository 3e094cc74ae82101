using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>Hard deletes, soft deletes without a timestamp, silent edits, archives and inserts, and their ground truth.</summary>
public sealed class RecordChangeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 30_000)]
    public async Task A_hard_deleted_item_vanishes_from_the_list_the_by_id_call_and_the_truth_but_is_recorded_as_deleted()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var before = sim.State.GetRecords(sim.TenantId, "Items");
        var change = sim.State.ApplyChange(sim.TenantId, "Items", ChangeKind.Delete, position: 2);
        Assert.True(change.HardDelete);
        Assert.Equal(sim.State.Changes, [change]);

        var listed = (await sim.GetJsonAsync("Items")).GetProperty("Items").EnumerateArray().Select(i => i.GetProperty("ItemID").GetString()!).ToList();
        Assert.Equal(before.Count - 1, listed.Count);
        Assert.DoesNotContain(change.RecordId, listed);
        Assert.False(sim.State.GetRecords(sim.TenantId, "Items").ContainsKey(change.RecordId));
        Assert.Equal([change.RecordId], sim.State.DeletedIds(sim.TenantId, "Items", hardOnly: true));
        using var byId = await sim.GetAsync("Items/" + change.RecordId);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);

        // Every other hard-delete endpoint deletes too; Contacts cannot be deleted in Xero.
        foreach (var endpoint in new[] { "Accounts", "TrackingCategories", "LinkedTransactions", "ContactGroups" })
        {
            var count = sim.State.Count(sim.TenantId, endpoint);
            Assert.True(sim.State.ApplyChange(sim.TenantId, endpoint, ChangeKind.Delete).HardDelete, endpoint);
            Assert.Equal(count - 1, sim.State.Count(sim.TenantId, endpoint));
        }

        Assert.Throws<ArgumentException>(() => sim.State.ApplyChange(sim.TenantId, "Contacts", ChangeKind.Delete));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_deleted_bank_transfer_keeps_its_timestamps_and_shows_only_with_include_deleted()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        var visible = (await sim.GetJsonAsync("BankTransfers")).GetProperty("BankTransfers").EnumerateArray().ToList();
        var target = visible[0].GetProperty("BankTransferID").GetString()!;
        var before = sim.State.GetRecords(sim.TenantId, "BankTransfers")[target];
        clock.Advance(TimeSpan.FromHours(2));
        await sim.AuthenticateAsync();

        var change = sim.State.ApplyChange(sim.TenantId, "BankTransfers", ChangeKind.Delete, recordId: target);
        Assert.False(change.HardDelete);
        Assert.Equal(target, change.RecordId);

        var after = JsonDocument.Parse(sim.State.GetRecords(sim.TenantId, "BankTransfers")[target]).RootElement;
        Assert.Equal("DELETED", after.GetProperty("Status").GetString());
        Assert.Equal(JsonDocument.Parse(before).RootElement.GetProperty("CreatedDateUTC").GetString(), after.GetProperty("CreatedDateUTC").GetString());
        Assert.False(after.TryGetProperty("UpdatedDateUTC", out _));

        var hidden = (await sim.GetJsonAsync("BankTransfers")).GetProperty("BankTransfers").EnumerateArray().Select(t => t.GetProperty("BankTransferID").GetString()).ToList();
        Assert.DoesNotContain(target, hidden);
        Assert.Equal(visible.Count - 1, hidden.Count);
        var shown = (await sim.GetJsonAsync("BankTransfers?includeDeleted=true")).GetProperty("BankTransfers").EnumerateArray().Select(t => t.GetProperty("BankTransferID").GetString()).ToList();
        Assert.Contains(target, shown);

        // An incremental read since before the delete never sees it: nothing it compares changed.
        var incremental = await sim.GetJsonAsync("BankTransfers?includeDeleted=true", ifModifiedSince: Start.AddHours(1).ToString("r"));
        Assert.Equal(0, incremental.GetProperty("BankTransfers").GetArrayLength());
        Assert.Equal([target], sim.State.DeletedIds(sim.TenantId, "BankTransfers"));
        Assert.Empty(sim.State.DeletedIds(sim.TenantId, "BankTransfers", hardOnly: true));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_silent_edit_changes_content_but_not_updated_date_so_if_modified_since_misses_it()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var endpoint in new[] { "Invoices", "Contacts", "Payments" })
        {
            var before = sim.State.GetRecords(sim.TenantId, endpoint);
            var change = sim.State.ApplyChange(sim.TenantId, endpoint, ChangeKind.SilentEdit);
            var after = sim.State.GetRecords(sim.TenantId, endpoint);
            Assert.NotEqual(before[change.RecordId], after[change.RecordId]);
            Assert.Equal(Updated(before[change.RecordId]), Updated(after[change.RecordId]));
            Assert.Equal(0, sim.State.CountModifiedSince(sim.TenantId, endpoint, Start));
        }

        var page = await sim.GetJsonAsync("Invoices?page=1&includeArchived=true", ifModifiedSince: Start.ToString("r"));
        Assert.Equal(0, page.GetProperty("pagination").GetProperty("itemCount").GetInt32());
    }

    [Fact(Timeout = 30_000)]
    public async Task Invoices_are_never_archived_because_xero_documents_no_such_invoice_status()
    {
        // Xero's Invoice Status codes (developer.xero.com/documentation/api/accounting/types#invoices, Xero-OpenAPI's Invoice.Status enum).
        string[] documented = ["DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"];
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var statuses = sim.State.GetRecords(sim.TenantId, "Invoices").Values.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("Status").GetString()).ToHashSet();
        Assert.Subset(documented.ToHashSet<string?>(), statuses);

        var before = sim.State.GetRecords(sim.TenantId, "Invoices");
        Assert.Throws<ArgumentException>(() => sim.State.ApplyChange(sim.TenantId, "Invoices", ChangeKind.Archive, position: 0));
        Assert.Equal(before, sim.State.GetRecords(sim.TenantId, "Invoices"));
        var all = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000&includeArchived=true");
        Assert.Equal(before.Count, all.GetProperty("pagination").GetProperty("itemCount").GetInt32());
    }

    [Fact(Timeout = 30_000)]
    public async Task Scheduled_changes_set_through_the_control_api_fire_once_after_the_kth_request()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var behaviour = new
        {
            scheduledChanges = new object[]
            {
                new { endpoint = "Payments", afterRequest = 2, kind = "Insert" },
                new { endpoint = "Items", afterRequest = 1, kind = "Delete", triggerEndpoint = "Payments" },
            },
        };
        using (var set = await sim.Http.PostAsJsonAsync("_sim/behaviour", behaviour, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var payments = sim.State.Count(sim.TenantId, "Payments");
        var items = sim.State.Count(sim.TenantId, "Items");
        await sim.GetJsonAsync("Payments?page=1");
        Assert.Equal(payments, sim.State.Count(sim.TenantId, "Payments"));
        Assert.Equal(items - 1, sim.State.Count(sim.TenantId, "Items"));
        await sim.GetJsonAsync("Payments?page=2");
        await sim.GetJsonAsync("Payments?page=3");
        Assert.Equal(payments + 1, sim.State.Count(sim.TenantId, "Payments"));
        Assert.Equal(items - 1, sim.State.Count(sim.TenantId, "Items"));

        using var listed = await sim.Http.GetAsync("_sim/changes", TestContext.Current.CancellationToken);
        var changes = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(["Delete", "Insert"], changes.EnumerateArray().Select(c => c.GetProperty("kind").GetString()!));
        Assert.All(changes.EnumerateArray(), c => Assert.True(c.GetProperty("scheduled").GetBoolean()));

        using var direct = await sim.Http.PostAsJsonAsync("_sim/changes", new { tenantId = sim.TenantId, endpoint = "Invoices", kind = "Edit", position = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        using var refused = await sim.Http.PostAsJsonAsync("_sim/changes", new { tenantId = sim.TenantId, endpoint = "Currencies", kind = "Delete" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var ids = await sim.Http.GetAsync($"_sim/records/{sim.TenantId}/Items/ids", TestContext.Current.CancellationToken);
        var idsBody = JsonDocument.Parse(await ids.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(items - 1, idsBody.GetProperty("ids").GetArrayLength());
        Assert.Equal(1, idsBody.GetProperty("deleted").GetArrayLength());
    }

    [Fact(Timeout = 30_000)]
    public void Changes_are_deterministic_by_seed()
    {
        SimulatorState Run(int seed)
        {
            var state = new SimulatorState(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, Scale = 0.05, ChangesPerMinute = 0, Seed = seed });
            var tenant = state.Tenants[0].TenantId;
            state.ApplyChange(tenant, "Invoices", ChangeKind.Edit);
            state.ApplyChange(tenant, "Invoices", ChangeKind.Insert);
            state.ApplyChange(tenant, "Items", ChangeKind.Delete);
            state.ApplyChange(tenant, "Contacts", ChangeKind.SilentEdit);
            return state;
        }

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);
        Assert.Equal(a.Changes.Select(x => x.RecordId), b.Changes.Select(x => x.RecordId));
        foreach (var endpoint in new[] { "Invoices", "Items", "Contacts" })
        {
            Assert.Equal(a.GetRecords(a.Tenants[0].TenantId, endpoint), b.GetRecords(b.Tenants[0].TenantId, endpoint));
        }

        Assert.NotEqual(a.Changes.Select(x => x.RecordId), c.Changes.Select(x => x.RecordId));
    }

    private static string Updated(string json) => JsonDocument.Parse(json).RootElement.GetProperty("UpdatedDateUTC").GetString()!;
}
