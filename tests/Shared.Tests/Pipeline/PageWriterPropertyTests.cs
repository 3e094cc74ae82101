using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CsCheck;
using XeroSync.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Pipeline;

/// <summary>
/// Properties of the NDJSON page writer over random Xero-shaped records (unicode, every JSON escape, big numbers
/// with trailing zeros, pretty-printed layouts): one line per record, every line parses, the payload is the
/// record's bytes exactly except that raw CR/LF (whitespace between tokens) become spaces.
/// </summary>
public sealed class PageWriterPropertyTests
{
    public const int Iterations = 1_000;

    private const string TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f";
    private const string RunId = "20261102T090000Z-ab12";
    private static readonly DateTimeOffset FetchedAt = new(2026, 11, 2, 9, 0, 0, 123, TimeSpan.Zero);

    /// <summary>An Invoices-like endpoint described here, from Xero's documentation, not the project's catalog.</summary>
    private static readonly XeroEndpoint Invoices = new("Invoices", "invoices", "Invoices", "InvoiceID", PagingStyle.PageAndSize, 100, true, "UpdatedDateUTC");

    private static readonly Gen<string> Whitespace = Gen.OneOf("", " ", "\n", "\r\n", "\t", "\n    ", "\r");

    /// <summary>The inside of a JSON string literal: plain unicode text and every escape JSON has.</summary>
    private static readonly Gen<string> StringBody = Gen.OneOf<string>(
        Gen.String[Gen.Char[' ', '~'], 0, 8].Select(s => s.Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal)),
        Gen.String[Gen.Char['\u00a0', '\u024f'], 1, 4],
        Gen.String[Gen.Char['\u4e00', '\u4fff'], 1, 4],
        Gen.OneOf("\U0001F600", "\u20ac", "\u2028", "\u200b", "e\u0301"),
        Gen.OneOf("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\r\\n", "\\u0000", "\\u001b", "\\u2028", "\\u00e9", "\\ud83d\\ude00", "\\uFFFF"))
        .Array[0, 6].Select(pieces => string.Concat(pieces));

    private static readonly Gen<string> StringLiteral = StringBody.Select(body => "\"" + body + "\"");

    private static readonly Gen<string> NumberLiteral = Gen.OneOf<string>(
        Gen.OneOf("0", "-0", "40.00", "1E+2", "1.5e-7", "-0.0", "123456789012345678901234567890", "0.1000000000000000000001", "-9223372036854775809", "1e400"),
        Gen.Select(Gen.Long, Gen.Int[0, 6]).Select((value, zeros) => value.ToString(CultureInfo.InvariantCulture) + (zeros == 0 ? "" : "." + new string('0', zeros))),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0"));

    private static readonly Gen<string> Scalar = Gen.OneOf<string>(StringLiteral, NumberLiteral, Gen.OneOf("true", "false", "null"));

    private static readonly Gen<string> Value = Gen.OneOf<string>(
        Scalar,
        Gen.Select(Scalar.Array[0, 4], Whitespace).Select((items, ws) => "[" + ws + string.Join(ws + "," + ws, items) + ws + "]"),
        Gen.Select(Gen.Select(StringLiteral, Scalar).Array[0, 3], Whitespace).Select((pairs, ws) => "{" + ws + string.Join("," + ws, pairs.Select(p => p.Item1 + ws + ":" + ws + p.Item2)) + ws + "}"));

    /// <summary>One record's raw text, with its expected record id text and UpdatedDateUTC milliseconds.</summary>
    private static readonly Gen<(string Text, string IdLiteral, long UpdatedMs)> Record =
        Gen.Select(StringBody.Where(b => b.Length > 0), Gen.Long[-62_135_596_800_000, 253_402_300_799_999], Gen.Select(StringLiteral, Value).Array[0, 5], Whitespace)
        .Select((id, ms, fields, ws) =>
        {
            var idLiteral = "\"" + id + "\"";
            var text = new StringBuilder("{").Append(ws).Append("\"InvoiceID\"").Append(ws).Append(':').Append(idLiteral)
                .Append(',').Append(ws).Append("\"UpdatedDateUTC\":\"\\/Date(").Append(ms.ToString(CultureInfo.InvariantCulture)).Append("+0000)\\/\"");
            foreach (var (name, value) in fields)
            {
                text.Append(',').Append(ws).Append(name).Append(ws).Append(':').Append(ws).Append(value);
            }

            return (text.Append(ws).Append('}').ToString(), idLiteral, ms);
        });

    [Fact(Timeout = 120_000)]
    public void Every_record_becomes_one_parseable_line_with_its_bytes_preserved() =>
        Gen.Select(Record.Array[0, 20], Whitespace, Gen.Int[1, 99_999]).Sample(
            (records, ws, pageNumber) =>
            {
                var body = "{\"Invoices\":[" + ws + string.Join(ws + "," + ws, records.Select(r => r.Text)) + ws + "]}";
                using var page = PageWriterTests.Page(body, Invoices);

                var written = PageWriter.Write(page, Invoices, TenantId, RunId, pageNumber, FetchedAt);

                Assert.Equal(records.Length, written.Records);
                var lines = Gunzip(written.Content.ToArray());
                Assert.True(lines.Length == 0 || lines[^1] == (byte)'\n');
                var split = SplitLines(lines);
                Assert.Equal(records.Length, split.Count);
                for (var i = 0; i < records.Length; i++)
                {
                    var line = split[i];
                    using var parsed = JsonDocument.Parse(line);
                    var root = parsed.RootElement;
                    Assert.Equal(["tenant_id", "record_id", "updated_at", "run_id", "page", "fetched_at", "payload"], root.EnumerateObject().Select(p => p.Name).ToArray());
                    Assert.Equal(TenantId, root.GetProperty("tenant_id").GetString());
                    Assert.Equal(RunId, root.GetProperty("run_id").GetString());
                    Assert.Equal(pageNumber, root.GetProperty("page").GetInt32());
                    using (var id = JsonDocument.Parse(records[i].IdLiteral))
                    {
                        Assert.Equal(id.RootElement.GetString(), root.GetProperty("record_id").GetString());
                    }

                    var updated = DateTimeOffset.FromUnixTimeMilliseconds(records[i].UpdatedMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    Assert.Equal(updated, root.GetProperty("updated_at").GetString());

                    // The payload is the record's bytes: the same text with raw CR and LF (only ever whitespace) as spaces.
                    var expected = Encoding.UTF8.GetBytes(records[i].Text.Replace('\r', ' ').Replace('\n', ' '));
                    var marker = "\"payload\":"u8;
                    var start = line.AsSpan().IndexOf(marker) + marker.Length;
                    Assert.Equal(expected, line[start..^1]);
                    using var original = JsonDocument.Parse(records[i].Text);
                    Assert.True(JsonElement.DeepEquals(original.RootElement, root.GetProperty("payload")));
                }
            },
            iter: Iterations,
            threads: 1);

    /// <summary>
    /// JSON allows an escaped lone surrogate (<c>"\ud800"</c>); .NET cannot turn it into a string. A record whose key
    /// holds one must still be written (it is data from outside), its payload bytes kept.
    /// </summary>
    [Theory(Timeout = 10_000)]
    [InlineData("\\ud800")]
    [InlineData("a\\udfff")]
    [InlineData("\\udc00\\ud800")]
    public void A_key_with_a_lone_surrogate_escape_is_written_not_thrown(string key)
    {
        var record = "{\"InvoiceID\":\"" + key + "\",\"Name\":\"" + key + "\"}";
        using var page = PageWriterTests.Page("{\"Invoices\":[" + record + "]}", Invoices);

        var written = PageWriter.Write(page, Invoices, TenantId, RunId, 1, FetchedAt);

        var line = Assert.Single(SplitLines(Gunzip(written.Content.ToArray())));
        using var parsed = JsonDocument.Parse(line);
        Assert.False(string.IsNullOrEmpty(parsed.RootElement.GetProperty("record_id").GetString()));
        var marker = "\"payload\":"u8;
        Assert.Equal(Encoding.UTF8.GetBytes(record), line[(line.AsSpan().IndexOf(marker) + marker.Length)..^1]);
    }

    private static byte[] Gunzip(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static List<byte[]> SplitLines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        Assert.Equal(bytes.Length, start);
        return lines;
    }
}
