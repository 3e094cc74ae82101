using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace XeroSync.Tests;

/// <summary>
/// Xero rounds unit amounts to two decimals unless <c>unitdp=4</c> is sent on an endpoint that takes it
/// (Xero-OpenAPI v16.1.0), and answers retired endpoints with 410 Gone.
/// </summary>
public sealed class UnitDecimalsAndRetirementTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task Unit_amounts_have_four_decimals_only_with_unitdp_4_and_two_otherwise()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var truth = sim.State.GetRecords(sim.TenantId, "Invoices")
            .ToDictionary(p => p.Key, p => UnitAmounts(JsonDocument.Parse(p.Value).RootElement));
        Assert.Contains(truth.Values.SelectMany(v => v), text => Decimals(text) == 4 && text[^1] != '0');

        var precise = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000&unitdp=4");
        var rounded = await sim.GetJsonAsync("Invoices?page=1&pageSize=1000");
        var preciseById = precise.GetProperty("Invoices").EnumerateArray().ToDictionary(i => i.GetProperty("InvoiceID").GetString()!, UnitAmounts);
        Assert.Equal(truth.Count, preciseById.Count);
        foreach (var invoice in rounded.GetProperty("Invoices").EnumerateArray())
        {
            var id = invoice.GetProperty("InvoiceID").GetString()!;
            Assert.Equal(truth[id], preciseById[id]);
            var twoDp = UnitAmounts(invoice);
            Assert.Equal(truth[id].Count, twoDp.Count);
            for (var i = 0; i < twoDp.Count; i++)
            {
                Assert.Equal(2, Decimals(twoDp[i]));
                Assert.Equal(Math.Round(decimal.Parse(truth[id][i], System.Globalization.CultureInfo.InvariantCulture), 2, MidpointRounding.AwayFromZero), decimal.Parse(twoDp[i], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        // Items: SalesDetails/PurchaseDetails UnitPrice follow the same rule.
        var items = await sim.GetJsonAsync("Items");
        Assert.All(items.GetProperty("Items").EnumerateArray(), item => Assert.Equal(2, Decimals(item.GetProperty("SalesDetails").GetProperty("UnitPrice").GetRawText())));
        var preciseItems = await sim.GetJsonAsync("Items?unitdp=4");
        Assert.Contains(preciseItems.GetProperty("Items").EnumerateArray(), item => Decimals(item.GetProperty("SalesDetails").GetProperty("UnitPrice").GetRawText()) == 4);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_record_read_by_id_follows_the_same_unitdp_rule_as_the_list()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var details = sim.State.GetRecordDetails(sim.TenantId, "Invoices");
        var (id, json) = details.First(p => UnitAmounts(JsonDocument.Parse(p.Value).RootElement).Exists(t => Decimals(t) == 4 && t[^1] != '0'));
        var truth = UnitAmounts(JsonDocument.Parse(json).RootElement);

        var precise = (await sim.GetJsonAsync($"Invoices/{id}?unitdp=4")).GetProperty("Invoices").EnumerateArray().Single();
        Assert.Equal(truth, UnitAmounts(precise));

        var rounded = UnitAmounts((await sim.GetJsonAsync($"Invoices/{id}")).GetProperty("Invoices").EnumerateArray().Single());
        Assert.Equal(truth.Count, rounded.Count);
        for (var i = 0; i < rounded.Count; i++)
        {
            Assert.Equal(2, Decimals(rounded[i]));
            Assert.Equal(Math.Round(decimal.Parse(truth[i], System.Globalization.CultureInfo.InvariantCulture), 2, MidpointRounding.AwayFromZero), decimal.Parse(rounded[i], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_retired_endpoint_answers_410_gone_until_it_is_served_again()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        using (var before = await sim.GetAsync("Receipts"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        sim.State.SetRetiredEndpoints(["receipts", "ExpenseClaims"]);
        foreach (var name in new[] { "Receipts", "ExpenseClaims" })
        {
            using var gone = await sim.GetAsync(name);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            using var body = JsonDocument.Parse(await gone.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(410, body.RootElement.GetProperty("Status").GetInt32());
        }

        using (var other = await sim.GetAsync("Invoices?page=1"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        sim.State.SetRetiredEndpoints([]);
        using var after = await sim.GetAsync("Receipts");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static List<string> UnitAmounts(JsonElement invoice) =>
        [.. invoice.GetProperty("LineItems").EnumerateArray().Select(l => l.GetProperty("UnitAmount").GetRawText())];

    private static int Decimals(string number) => number.Contains('.', StringComparison.Ordinal) ? number.Length - number.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
}
