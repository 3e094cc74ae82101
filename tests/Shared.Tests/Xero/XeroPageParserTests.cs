using System.Text;
using System.Text.Json;
using XeroSync.Pipeline;
using XeroSync.Tests.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>
/// The one-pass response parser keeps a JSON object's lookup rules (System.Text.Json's <see cref="JsonDocument"/> is the
/// oracle: the last exact name, else the first case-insensitive one; escaped names unescaped), validates the whole body,
/// and keeps every record's bytes as sent.
/// </summary>
public sealed class XeroPageParserTests
{
    private const string TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f";
    private static readonly DateTimeOffset FetchedAt = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Described here from Xero's documentation, not taken from the project's catalog.</summary>
    private static readonly XeroEndpoint Invoices = new("Invoices", "invoices", "Invoices", "InvoiceID", PagingStyle.PageAndSize, 1000, true, "UpdatedDateUTC");

    [Theory(Timeout = 10_000)]
    [InlineData("""{"Invoices":[{"InvoiceID":"a"}]}""")]
    [InlineData("""{"invoices":[{"InvoiceID":"ci-first"}],"INVOICES":[{"InvoiceID":"ci-second"}]}""")]
    [InlineData("""{"invoices":[{"InvoiceID":"ci"}],"Invoices":[{"InvoiceID":"exact"}]}""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"first"}],"invoices":[{"InvoiceID":"ci"}],"Invoices":[{"InvoiceID":"last"},{"InvoiceID":"x"}]}""")]
    [InlineData("""{"Invoic\u0065s":[{"Invoice\u0049D":"escaped","InvoiceID":"dup","InvoiceID":"last-wins"}]}""")]
    [InlineData("""{"Id":"x","Status":"OK","pagination":{"page":2,"pageSize":1000,"pageCount":7,"itemCount":6500},"Warnings":null,"Invoices":[{"InvoiceID":"a","Nested":{"InvoiceID":"inner"}},[1,2],"text",42,null]}""")]
    public void The_records_and_pagination_are_those_a_json_object_lookup_finds(string body)
    {
        using var oracle = JsonDocument.Parse(body);
        var root = oracle.RootElement;
        var expected = root.TryGetProperty("Invoices", out var exact)
            ? exact
            : root.EnumerateObject().First(p => string.Equals(p.Name, "Invoices", StringComparison.OrdinalIgnoreCase)).Value;

        using var page = PageWriterTests.Page(body, Invoices);

        Assert.Equal(expected.GetArrayLength(), page.Count);
        var records = expected.EnumerateArray().ToList();
        var lines = PageWriterTests.Lines(PageWriter.Write(page, Invoices, TenantId, "run-1", 1, FetchedAt));
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(records[i].GetRawText(), Encoding.UTF8.GetString(page.RecordJson(i)));
            Assert.Equal(records[i].GetRawText(), lines[i].RawPayload);
            if (records[i].ValueKind == JsonValueKind.Object && records[i].TryGetProperty("InvoiceID", out var id))
            {
                Assert.Equal(id.GetString(), lines[i].Line.GetProperty("record_id").GetString());
            }
        }

        if (root.TryGetProperty("pagination", out var pagination))
        {
            Assert.Equal(new XeroPagination(pagination.GetProperty("page").GetInt32(), pagination.GetProperty("pageSize").GetInt32(), pagination.GetProperty("pageCount").GetInt32(), pagination.GetProperty("itemCount").GetInt32()), page.Pagination);
        }
        else
        {
            Assert.Null(page.Pagination);
        }
    }

    [Theory(Timeout = 10_000)]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"Invoices":{"InvoiceID":"a"}}""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"a"}],"Invoices":"no longer an array"}""")]
    [InlineData("""{"Other":[]}""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"a"}]""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"a"}]} trailing""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"a"}],"Broken":[1,}""")]
    [InlineData("""{"Invoices":[{"InvoiceID":"a",}]}""")]
    [InlineData("""{"Invoices":[/* comment */]}""")]
    public void A_body_that_is_not_a_valid_page_is_a_json_error(string body)
    {
        // The client retries JSON errors as transient (a truncated or garbled body), so every one must surface as one.
        Assert.ThrowsAny<JsonException>(() => PageWriterTests.Page(body, Invoices).Dispose());
    }

    [Fact(Timeout = 10_000)]
    public void A_byte_order_mark_is_skipped_and_offsets_stay_in_the_body()
    {
        using var page = PageWriterTests.Page("\uFEFF" + """{"Invoices":[{"InvoiceID":"a","Total":1.50}]}""", Invoices);
        Assert.Equal("""{"InvoiceID":"a","Total":1.50}""", Encoding.UTF8.GetString(page.RecordJson(0)));
        var (line, _) = Assert.Single(PageWriterTests.Lines(PageWriter.Write(page, Invoices, TenantId, "run-1", 1, FetchedAt)));
        Assert.Equal("a", line.GetProperty("record_id").GetString());
    }

    [Fact(Timeout = 10_000)]
    public void A_page_written_as_another_endpoint_is_keyed_by_that_endpoints_fields()
    {
        // A by-id read is parsed as the parent endpoint and written as its detail endpoint: the written ids and dates
        // must come from the endpoint the page is written as.
        var detail = new XeroEndpoint("BudgetDetails", "budget_details", "Invoices", "BudgetID", PagingStyle.Detail, 0, false, "Updated");
        using var page = PageWriterTests.Page("""{"Invoices":[{"InvoiceID":"parent-key","BudgetID":"detail-key","UpdatedDateUTC":"/Date(0+0000)/","Updated":"/Date(86400000+0000)/"}]}""", Invoices);

        var (line, _) = Assert.Single(PageWriterTests.Lines(PageWriter.Write(page, detail, TenantId, "run-1", 1, FetchedAt)));

        Assert.Equal("detail-key", line.GetProperty("record_id").GetString());
        Assert.Equal("1970-01-02T00:00:00.000Z", line.GetProperty("updated_at").GetString());
    }
}
