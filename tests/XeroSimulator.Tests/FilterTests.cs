using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace XeroSync.Tests;

/// <summary>
/// The filters Xero-OpenAPI v16.1.0 lists per endpoint return exactly the matching records (computed here from the
/// simulator's records), not the whole list; an unparsable <c>where</c> is Xero's 400 ValidationException.
/// </summary>
public sealed class FilterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task Invoice_filters_return_exactly_the_matching_set()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var invoices = Truth(sim, "Invoices");
        var someIds = invoices.Keys.Order(StringComparer.Ordinal).Take(3).ToList();
        Assert.Equal(someIds.Order(), await Ids(sim, "Invoices?page=1&IDs=" + string.Join(',', someIds), "Invoices", "InvoiceID"));

        var paidOrVoided = invoices.Where(p => p.Value.GetString("Status") is "PAID" or "VOIDED").Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(paidOrVoided);
        Assert.Equal(paidOrVoided, await Ids(sim, "Invoices?page=1&pageSize=1000&Statuses=PAID,VOIDED", "Invoices", "InvoiceID"));

        var contact = invoices.Values.First().GetProperty("Contact").GetString("ContactID");
        var ofContact = invoices.Where(p => p.Value.GetProperty("Contact").GetString("ContactID") == contact).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ofContact, await Ids(sim, "Invoices?page=1&ContactIDs=" + contact, "Invoices", "InvoiceID"));

        var numbers = invoices.Values.Select(i => i.GetString("InvoiceNumber")).Order(StringComparer.Ordinal).Take(2).ToList();
        var numbered = invoices.Where(p => numbers.Contains(p.Value.GetString("InvoiceNumber"))).Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(numbered, await Ids(sim, "Invoices?page=1&InvoiceNumbers=" + string.Join(',', numbers), "Invoices", "InvoiceID"));

        var owing = invoices.Where(p => p.Value.GetString("Type") == "ACCREC" && p.Value.GetProperty("AmountDue").GetDecimal() > 100m).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(owing);
        Assert.Equal(owing, await Ids(sim, "Invoices?page=1&pageSize=1000&where=" + Uri.EscapeDataString("Type==\"ACCREC\" AND AmountDue>100"), "Invoices", "InvoiceID"));

        var byContactGuid = await Ids(sim, "Invoices?page=1&where=" + Uri.EscapeDataString($"Contact.ContactID==Guid(\"{contact}\")"), "Invoices", "InvoiceID");
        Assert.Equal(ofContact, byContactGuid);
    }

    [Fact(Timeout = 60_000)]
    public async Task Where_works_on_the_endpoints_that_take_it_with_dates_and_disjunctions_and_is_ignored_where_Xero_ignores_it()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var payments = Truth(sim, "Payments");
        var cutoff = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var late = payments.Where(p => Ms(p.Value.GetString("Date")) >= cutoff || p.Value.GetString("PaymentType") == "ACCPAYPAYMENT").Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(late);
        Assert.NotEqual(payments.Count, late.Count);
        Assert.Equal(late, await Ids(sim, "Payments?page=1&pageSize=1000&where=" + Uri.EscapeDataString("Date >= DateTime(2025, 12, 01) OR PaymentType==\"ACCPAYPAYMENT\""), "Payments", "PaymentID"));

        var bank = Truth(sim, "Accounts").Where(a => a.Value.GetString("Type") == "BANK").Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, bank.Count);
        Assert.Equal(bank, await Ids(sim, "Accounts?where=" + Uri.EscapeDataString("Type==\"BANK\""), "Accounts", "AccountID"));

        // PurchaseOrders take Status, not where (Xero ignores a where there).
        var orders = Truth(sim, "PurchaseOrders");
        Assert.Equal(orders.Count, (await Ids(sim, "PurchaseOrders?page=1&pageSize=1000&where=" + Uri.EscapeDataString("Status==\"DRAFT\""), "PurchaseOrders", "PurchaseOrderID")).Count);
        var drafts = orders.Where(o => o.Value.GetString("Status") == "DRAFT").Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(drafts, await Ids(sim, "PurchaseOrders?page=1&pageSize=1000&Status=DRAFT", "PurchaseOrders", "PurchaseOrderID"));

        using var bad = await sim.GetAsync("Invoices?page=1&where=" + Uri.EscapeDataString("Status==\"PAID"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ValidationException", body.GetString("Type"));
    }

    private static Dictionary<string, JsonElement> Truth(TestSimulator sim, string endpoint) =>
        sim.State.GetRecords(sim.TenantId, endpoint).ToDictionary(p => p.Key, p => JsonDocument.Parse(p.Value).RootElement, StringComparer.Ordinal);

    private static async Task<List<string>> Ids(TestSimulator sim, string query, string collection, string key) =>
        [.. (await sim.GetJsonAsync(query)).GetProperty(collection).EnumerateArray().Select(r => r.GetString(key)).Order(StringComparer.Ordinal)];

    private static long Ms(string xeroDate) => long.Parse(xeroDate.AsSpan(6, xeroDate.IndexOfAny(['+', ')'], 6) - 6), System.Globalization.CultureInfo.InvariantCulture);
}
