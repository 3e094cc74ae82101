using System.Text;
using System.Text.Json;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>unitdp=4 where Xero's spec takes it, every digit in the page, and retired endpoints as their own failure kind.</summary>
public sealed class UnitDecimalsAndRetiredEndpointTests
{
    /// <summary>The GET operations listing the <c>unitdp</c> parameter in Xero-OpenAPI xero_accounting.yaml v16.1.0 (e952d0b).</summary>
    private static readonly string[] SpecUnitDp = ["BankTransactions", "CreditNotes", "Invoices", "Items", "Overpayments", "Prepayments", "Receipts"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Unitdp_4_is_sent_exactly_where_xero_accepts_it_and_pages_keep_four_decimals()
    {
        await using var h = await XeroClientHarness.StartAsync();
        foreach (var endpoint in h.State.Endpoints)
        {
            using var page = await h.Client.GetPageAsync(h.Query(endpoint), Token);
        }

        foreach (var request in h.State.Requests.Where(r => r.StatusCode == 200))
        {
            var sent = request.PathAndQuery.Contains("unitdp=4", StringComparison.Ordinal);
            Assert.True(sent == SpecUnitDp.Contains(request.Endpoint), $"{request.Endpoint}: unitdp=4 {(sent ? "sent" : "not sent")} ({request.PathAndQuery})");
        }

        using var invoices = await h.Client.GetPageAsync(h.Query("Invoices"), Token);
        var truth = h.State.GetRecords(h.Tenant(), "Invoices");
        var fourDecimals = 0;
        foreach (var invoice in invoices.RecordElements())
        {
            using var expected = JsonDocument.Parse(truth[invoice.GetProperty("InvoiceID").GetString()!]);
            var expectedUnits = expected.RootElement.GetProperty("LineItems").EnumerateArray().Select(l => l.GetProperty("UnitAmount").GetRawText()).ToList();
            var actualUnits = invoice.GetProperty("LineItems").EnumerateArray().Select(l => l.GetProperty("UnitAmount").GetRawText()).ToList();
            Assert.Equal(expectedUnits, actualUnits);
            fourDecimals += actualUnits.Count(u => u.Length - u.IndexOf('.', StringComparison.Ordinal) - 1 == 4);
        }

        Assert.True(fourDecimals > 0, "the simulator's invoices carry four-decimal unit amounts");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_record_read_by_id_asks_for_four_decimals_and_a_missing_record_of_a_retiring_endpoint_is_not_retired()
    {
        await using var h = await XeroClientHarness.StartAsync();
        var (id, json) = h.State.GetRecordDetails(h.Tenant(), "Invoices").First();
        using (var page = await h.Client.GetRecordAsync(h.Tenant(), EndpointCatalog.Get("Invoices"), id, null, Token))
        {
            Assert.Equal(1, page.Count);
            Assert.Equal(json, Encoding.UTF8.GetString(page.RecordJson(0)));
        }

        Assert.Equal($"/api.xro/2.0/Invoices/{id}?unitdp=4", h.State.Requests[^1].PathAndQuery);

        // Receipts' retirement is announced, but a 404 on one record says the record is gone, not the endpoint.
        var missing = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetRecordAsync(h.Tenant(), EndpointCatalog.Get("Receipts"), Guid.Empty.ToString(), null, Token));
        Assert.Equal(XeroFailure.BadRequest, missing.Failure);
        Assert.Equal(404, missing.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("Receipts")]
    [InlineData("ExpenseClaims")]
    public async Task A_gone_endpoint_is_a_retired_failure_after_one_call_not_a_bad_request(string endpoint)
    {
        await using var h = await XeroClientHarness.StartAsync();
        h.State.SetRetiredEndpoints([endpoint]);
        var ex = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query(endpoint), Token));
        Assert.Equal(XeroFailure.Retired, ex.Failure);
        Assert.Equal(410, ex.StatusCode);
        Assert.Equal(1, h.State.Requests.Count(r => r.Endpoint == endpoint));

        // Other endpoints are unaffected.
        using var accounts = await h.Client.GetPageAsync(h.Query("Accounts"), Token);
        Assert.True(accounts.Count > 0);
    }
}
