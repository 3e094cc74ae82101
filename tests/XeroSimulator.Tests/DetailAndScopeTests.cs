using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>What the list calls leave out: budget lines, contact group members, summaryOnly; and the budgets scope.</summary>
public sealed class DetailAndScopeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 30_000)]
    public async Task Budgets_list_without_lines_and_the_by_id_call_returns_them()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.5 });
        var list = (await sim.GetJsonAsync("Budgets")).GetProperty("Budgets").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.All(list, b => Assert.Equal(0, b.GetProperty("BudgetLines").GetArrayLength()));
        var truth = sim.State.GetRecords(sim.TenantId, "Budgets");
        var details = sim.State.GetRecordDetails(sim.TenantId, "Budgets");
        Assert.All(list, b => Assert.Equal(truth[b.GetProperty("BudgetID").GetString()!], b.GetRawText()));

        var accounts = sim.State.GetRecords(sim.TenantId, "Accounts");
        foreach (var budget in list)
        {
            var id = budget.GetProperty("BudgetID").GetString()!;
            var one = await sim.GetJsonAsync("Budgets/" + id);
            var served = Assert.Single(one.GetProperty("Budgets").EnumerateArray());
            Assert.Equal(details[id], served.GetRawText());
            var lines = served.GetProperty("BudgetLines").EnumerateArray().ToList();
            Assert.InRange(lines.Count, 2, 4);
            Assert.All(lines, line =>
            {
                Assert.True(accounts.ContainsKey(line.GetProperty("AccountID").GetString()!));
                Assert.Equal(12, line.GetProperty("BudgetBalances").GetArrayLength());
            });
        }

        var calls = sim.State.Requests.Where(r => r.Endpoint == "Budgets" && r.StatusCode == 200).Select(r => r.PathAndQuery).ToList();
        Assert.Equal(3, calls.Count);
        using var missing = await sim.GetAsync("Budgets/" + Guid.Empty);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Contact_groups_list_without_members_and_the_by_id_call_returns_them()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.2 });
        var contacts = sim.State.GetRecords(sim.TenantId, "Contacts");
        var details = sim.State.GetRecordDetails(sim.TenantId, "ContactGroups");
        var list = (await sim.GetJsonAsync("ContactGroups")).GetProperty("ContactGroups").EnumerateArray().ToList();
        Assert.Equal(details.Count, list.Count);
        Assert.All(list, g => Assert.Equal(0, g.GetProperty("Contacts").GetArrayLength()));

        var members = 0;
        foreach (var group in list)
        {
            var id = group.GetProperty("ContactGroupID").GetString()!;
            var served = Assert.Single((await sim.GetJsonAsync("ContactGroups/" + id)).GetProperty("ContactGroups").EnumerateArray());
            Assert.Equal(details[id], served.GetRawText());
            foreach (var member in served.GetProperty("Contacts").EnumerateArray())
            {
                var contact = JsonDocument.Parse(contacts[member.GetProperty("ContactID").GetString()!]).RootElement;
                Assert.Equal(contact.GetProperty("Name").GetString(), member.GetProperty("Name").GetString());
                members++;
            }
        }

        // About a quarter of 300 contacts in each of one group.
        Assert.InRange(members, 40, 110);
    }

    [Fact(Timeout = 30_000)]
    public async Task Summary_only_drops_heavy_fields_and_is_not_capped()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Clock = clock, CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.2, Behaviour = new SimulatorBehaviour { PageSizeCap = 100 },
        });
        var invoices = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000&summaryOnly=true");
        Assert.Equal(1000, invoices.GetProperty("pagination").GetProperty("pageSize").GetInt32());
        var all = sim.State.Count(sim.TenantId, "Invoices");
        Assert.True(all > 100, $"the organisation must hold more invoices ({all}) than the cap for this test to prove anything");
        Assert.Equal(all, invoices.GetProperty("Invoices").GetArrayLength());
        Assert.All(invoices.GetProperty("Invoices").EnumerateArray(), i =>
        {
            Assert.False(i.TryGetProperty("LineItems", out _));
            Assert.True(i.TryGetProperty("UpdatedDateUTC", out _));
        });

        var contacts = await sim.GetJsonAsync("Contacts?page=1&pageSize=1000&summaryOnly=true&includeArchived=true");
        Assert.Equal(300, contacts.GetProperty("Contacts").GetArrayLength());
        Assert.All(contacts.GetProperty("Contacts").EnumerateArray(), c => Assert.False(c.TryGetProperty("Addresses", out _)));
        Assert.Equal(
            sim.State.GetRecords(sim.TenantId, "Contacts").Keys.Order(StringComparer.Ordinal),
            contacts.GetProperty("Contacts").EnumerateArray().Select(c => c.GetProperty("ContactID").GetString()!).Order(StringComparer.Ordinal));

        var capped = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000");
        Assert.Equal(100, capped.GetProperty("Invoices").GetArrayLength());
        Assert.True(capped.GetProperty("Invoices")[0].TryGetProperty("LineItems", out _));

        // Endpoints without summaryOnly ignore it.
        var payments = await sim.GetJsonAsync("Payments?page=1&pageSize=1000&summaryOnly=true");
        Assert.Equal(100, payments.GetProperty("Payments").GetArrayLength());
    }

    [Fact(Timeout = 30_000)]
    public async Task Budgets_need_the_budgets_scope()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        using (var custom = await sim.GetAsync("Budgets"))
        {
            Assert.Equal(HttpStatusCode.OK, custom.StatusCode);
        }

        var without = sim.State.IssueRefreshTokenWithScope("accounting.transactions.read accounting.settings.read offline_access");
        using var tokens = await sim.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = without });
        var access = tokens.RootElement.GetProperty("access_token").GetString();
        foreach (var path in new[] { "Budgets", "Budgets/" + sim.State.GetRecords(sim.TenantId, "Budgets").Keys.First() })
        {
            using var denied = await sim.GetAsync(path, bearer: access);
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            Assert.Equal("AuthorizationUnsuccessful", JsonDocument.Parse(await denied.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("Detail").GetString());
        }

        Assert.Equal(2, sim.State.Requests.Count(r => r.Problem == "missing-scope"));
        using (var other = await sim.GetAsync("Accounts", bearer: access))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        sim.State.SetBehaviour(new SimulatorBehaviour { RequireBudgetsScope = false });
        using var allowed = await sim.GetAsync("Budgets", bearer: access);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_custom_connection_configured_without_the_budgets_scope_is_refused_budgets()
    {
        var options = TestSimulator.SmallOptions(new FakeTimeProvider(Start));
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Clock = options.Clock, Scale = options.Scale, CreatedAt = Start, ChangesPerMinute = 0,
            CustomConnectionScope = "accounting.transactions.read accounting.settings.read",
        });
        using var denied = await sim.GetAsync("Budgets");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }
}
