using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using XeroSync.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Pipeline;

public sealed class PageWriterTests
{
    private const string TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f";
    private static readonly DateTimeOffset FetchedAt = new(2026, 11, 2, 9, 0, 0, 123, TimeSpan.Zero);

    /// <summary>Parses a body for the named endpoint as the client does (the body in a pooled buffer the page owns).</summary>
    internal static XeroPage Page(string body, string endpoint) => Page(body, EndpointCatalog.Get(endpoint));

    internal static XeroPage Page(string body, XeroEndpoint endpoint)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        return XeroPageParser.Parse(rented, bytes.Length, endpoint);
    }

    /// <summary>Gunzips and splits an object; each line parsed, plus the raw payload text of each line.</summary>
    internal static List<(JsonElement Line, string RawPayload)> Lines(WrittenPage written)
    {
        using var gzip = new GZipStream(new MemoryStream(written.Content.ToArray()), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var text = reader.ReadToEnd();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var result = new List<(JsonElement, string)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement.Clone();
            var payloadStart = line.IndexOf("\"payload\":", StringComparison.Ordinal) + "\"payload\":".Length;
            result.Add((root, line[payloadStart..^1]));
        }

        Assert.Equal(written.Records, result.Count);
        return result;
    }

    [Fact]
    public void Payload_bytes_are_copied_exactly()
    {
        const string record = """{"InvoiceID":"a1","Total":40.00,"Rate":1E+2,"Name":"Caf\u00e9 \"quoted\" \/ slash","UpdatedDateUTC":"\/Date(1439434356790+0000)\/","Lines":[ 1 , 2 ]}""";
        using var page = Page($$"""{"Invoices":[{{record}}]}""", "Invoices");
        var written = PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 3, FetchedAt);
        var (line, raw) = Assert.Single(Lines(written));
        Assert.Equal(record, raw);
        Assert.Equal(TenantId, line.GetProperty("tenant_id").GetString());
        Assert.Equal("a1", line.GetProperty("record_id").GetString());
        Assert.Equal("2015-08-13T02:52:36.790Z", line.GetProperty("updated_at").GetString());
        Assert.Equal("run-1", line.GetProperty("run_id").GetString());
        Assert.Equal(3, line.GetProperty("page").GetInt32());
        Assert.Equal("2026-11-02T09:00:00.123Z", line.GetProperty("fetched_at").GetString());
        Assert.Equal(["tenant_id", "record_id", "updated_at", "run_id", "page", "fetched_at", "payload"], line.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Pretty_printed_records_stay_on_one_line()
    {
        using var page = Page("{\r\n  \"Invoices\": [\r\n    {\r\n      \"InvoiceID\": \"a\",\n      \"Total\": 40.00\n    },\n    { \"InvoiceID\": \"b\" }\n  ]\n}", "Invoices");
        var lines = Lines(PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt));
        Assert.Equal(2, lines.Count);
        Assert.Equal("{\r\n      \"InvoiceID\": \"a\",\n      \"Total\": 40.00\n    }".Replace('\r', ' ').Replace('\n', ' '), lines[0].RawPayload);
    }

    [Fact]
    public void Negative_milliseconds_and_missing_dates()
    {
        using var page = Page("""{"Invoices":[{"InvoiceID":"a","UpdatedDateUTC":"/Date(-86400000+0000)/"},{"InvoiceID":"b"},{"InvoiceID":"c","UpdatedDateUTC":null},{"InvoiceID":"d","UpdatedDateUTC":"garbage"}]}""", "Invoices");
        var lines = Lines(PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt));
        Assert.Equal("1969-12-31T00:00:00.000Z", lines[0].Line.GetProperty("updated_at").GetString());
        Assert.All(lines.Skip(1), l => Assert.Equal(JsonValueKind.Null, l.Line.GetProperty("updated_at").ValueKind));
    }

    [Fact]
    public void Endpoint_without_updated_field_writes_null()
    {
        using var page = Page("""{"TaxRates":[{"TaxType":"OUTPUT","UpdatedDateUTC":"/Date(0+0000)/"}]}""", "TaxRates");
        var (line, _) = Assert.Single(Lines(PageWriter.Write(page, EndpointCatalog.Get("TaxRates"), TenantId, "run-1", 1, FetchedAt)));
        Assert.Equal("OUTPUT", line.GetProperty("record_id").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("updated_at").ValueKind);
    }

    [Fact]
    public void Missing_or_empty_key_falls_back_to_a_content_hash()
    {
        const string first = """{"Name":"no key"}""";
        const string second = """{"InvoiceID":"","Name":"empty key"}""";
        using var page = Page($$"""{"Invoices":[{{first}},{{second}},{"InvoiceID":42}]}""", "Invoices");
        var lines = Lines(PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(first))), lines[0].Line.GetProperty("record_id").GetString());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(second))), lines[1].Line.GetProperty("record_id").GetString());
        Assert.Equal("42", lines[2].Line.GetProperty("record_id").GetString());
    }

    [Fact]
    public void Journals_report_the_highest_journal_number()
    {
        using var page = Page("""{"Journals":[{"JournalID":"a","JournalNumber":7},{"JournalID":"b","JournalNumber":12},{"JournalID":"c","JournalNumber":9},{"JournalID":"d"}]}""", "Journals");
        var written = PageWriter.Write(page, EndpointCatalog.Get("Journals"), TenantId, "run-1", 1, FetchedAt);
        Assert.Equal(12, written.MaxJournalNumber);
        Assert.Equal(4, written.Records);
    }

    [Fact]
    public void Non_journal_pages_have_no_journal_number_and_empty_pages_no_lines()
    {
        using var page = Page("""{"Invoices":[]}""", "Invoices");
        var written = PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt);
        Assert.Null(written.MaxJournalNumber);
        Assert.Equal(0, written.Records);
    }

    [Fact]
    public void A_full_page_larger_than_the_writers_chunks_keeps_every_record_in_order()
    {
        // 1000 records of ~1 KB: the NDJSON crosses the 64 KB chunks handed to gzip many times, and records of
        // different sizes put the chunk boundary at a different place within a record each time.
        var records = Enumerable.Range(0, 1000)
            .Select(i => $$"""{"InvoiceID":"id-{{i}}","Reference":"{{new string((char)('a' + (i % 26)), 700 + (i % 97))}}","UpdatedDateUTC":"/Date({{1_700_000_000_000L + i}}+0000)/"}""")
            .ToList();
        using var page = Page($$"""{"Invoices":[{{string.Join(',', records)}}]}""", "Invoices");
        var written = PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt);

        var lines = Lines(written);
        Assert.Equal(1000, lines.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(records[i], lines[i].RawPayload);
            Assert.Equal($"id-{i}", lines[i].Line.GetProperty("record_id").GetString());
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000L + i), lines[i].Line.GetProperty("updated_at").GetDateTimeOffset());
        }
    }

    [Theory(Timeout = 10_000)]
    [InlineData("3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f", "run-1", 7)]
    [InlineData("t<e>n&a'n+t`\"\\\u00e9\u2028", "r\u0001u\nn", 99_999)]
    public void Each_line_is_byte_for_byte_what_utf8_json_writer_writes_for_it(string tenant, string run, int pageNumber)
    {
        // Ids plain and needing escapes, numeric, missing; dates present, absent, at the ends of the range.
        string[] records =
        [
            """{"InvoiceID":"3f1e2d3c-0000-4000-8000-00000000abcd","UpdatedDateUTC":"\/Date(1439434356790+0000)\/"}""",
            """{"InvoiceID":"a<b>&'+`c \u00e9 caf\u00e9 \"q\"","UpdatedDateUTC":"\/Date(-62135596800000)\/"}""",
            """{"InvoiceID":"sha256:ab.c_d-E","UpdatedDateUTC":"9999-12-31T23:59:59.999Z"}""",
            """{"InvoiceID":12.50}""",
            """{"Name":"no key"}""",
            """{"InvoiceID":"\u20ac\ud83d\ude00","UpdatedDateUTC":null}""",
        ];
        using var page = Page($$"""{"Invoices":[{{string.Join(',', records)}}]}""", "Invoices");
        var written = PageWriter.Write(page, EndpointCatalog.Get("Invoices"), tenant, run, pageNumber, FetchedAt);
        using var gzip = new GZipStream(new MemoryStream(written.Content.ToArray()), CompressionMode.Decompress);
        using var actual = new MemoryStream();
        gzip.CopyTo(actual);

        var expected = new ArrayBufferWriter<byte>();
        for (var i = 0; i < records.Length; i++)
        {
            using var record = JsonDocument.Parse(records[i]);
            var root = record.RootElement;
            using var writer = new Utf8JsonWriter(expected);
            writer.WriteStartObject();
            writer.WriteString("tenant_id", tenant);
            writer.WriteString("record_id", written.RecordIds[i]);
            if (root.TryGetProperty("UpdatedDateUTC", out var updated) && updated.ValueKind == JsonValueKind.String && XeroDate.TryParse(updated.GetString(), out var at))
            {
                writer.WriteString("updated_at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteNull("updated_at");
            }

            writer.WriteString("run_id", run);
            writer.WriteNumber("page", pageNumber);
            writer.WriteString("fetched_at", "2026-11-02T09:00:00.123Z");
            writer.WritePropertyName("payload");
            writer.WriteRawValue(records[i], skipInputValidation: true);
            writer.WriteEndObject();
            writer.Flush();
            expected.Write("\n"u8);
        }

        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(actual.ToArray()));
        Assert.Equal(["3f1e2d3c-0000-4000-8000-00000000abcd", "a<b>&'+`c \u00e9 caf\u00e9 \"q\"", "sha256:ab.c_d-E", "12.50"], written.RecordIds.Take(4));
        Assert.Equal("\u20ac\U0001F600", written.RecordIds[5]);
    }

    [Fact(Timeout = 10_000)]
    public void A_record_larger_than_a_whole_chunk_is_kept_between_its_neighbours()
    {
        // 300 KB of one record: larger than the chunk the writer collects lines in, so it goes to gzip on its own.
        string[] records =
        [
            """{"InvoiceID":"before","Reference":"x"}""",
            $$"""{"InvoiceID":"huge","Reference":"{{new string('q', 300_000)}}","Total":1.00}""",
            """{"InvoiceID":"after","Reference":"y"}""",
        ];
        using var page = Page($$"""{"Invoices":[{{string.Join(',', records)}}]}""", "Invoices");
        var lines = Lines(PageWriter.Write(page, EndpointCatalog.Get("Invoices"), TenantId, "run-1", 1, FetchedAt));
        Assert.Equal(records, lines.Select(l => l.RawPayload));
        Assert.Equal(["before", "huge", "after"], lines.Select(l => l.Line.GetProperty("record_id").GetString()));
    }
}
