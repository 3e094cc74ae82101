using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Renders a Xero page as gzipped NDJSON, one line per record:
/// <c>{"tenant_id","record_id","updated_at","run_id","page","fetched_at","payload"}</c>. The payload is the
/// record's bytes exactly as Xero sent them (copied, not re-serialised).
/// </summary>
public static class PageWriter
{
    /// <summary>How many bytes of NDJSON are collected before they go to gzip.</summary>
    private const int LineChunk = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public static WrittenPage Write(XeroPage page, XeroEndpoint endpoint, string tenantId, string runId, int pageNumber, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(endpoint);
        long? maxJournal = null;
        var records = 0;

        // Lines are written into one reused buffer and handed to gzip in large chunks (a write per record costs more
        // than the deflate itself at this size); gzip writes into a pooled buffer sized for the usual ratio, which the
        // returned page owns until it is disposed.
        var ids = new List<string>();
        var lines = new ArrayBufferWriter<byte>(LineChunk + (LineChunk / 4));
        using var buffer = new PooledBufferStream(RawLength(page.Records) / 4);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            using var writer = new Utf8JsonWriter(lines, WriterOptions);
            var fetched = FormatTimestamp(fetchedAt);
            foreach (var record in page.Records.EnumerateArray())
            {
                writer.Reset(lines);
                writer.WriteStartObject();
                writer.WriteString("tenant_id", tenantId);
                var id = RecordId(record, endpoint.KeyField);
                ids.Add(id);
                writer.WriteString("record_id", id);
                if (UpdatedAt(record, endpoint.UpdatedField) is { } updated)
                {
                    WriteTimestamp(writer, "updated_at", updated);
                }
                else
                {
                    writer.WriteNull("updated_at");
                }

                writer.WriteString("run_id", runId);
                writer.WriteNumber("page", pageNumber);
                writer.WriteString("fetched_at", fetched);
                writer.WritePropertyName("payload");
                writer.WriteRawValue(SingleLine(JsonMarshal.GetRawUtf8Value(record)), skipInputValidation: true);
                writer.WriteEndObject();
                writer.Flush();
                lines.Write("\n"u8);
                if (lines.WrittenCount >= LineChunk)
                {
                    gzip.Write(lines.WrittenSpan);
                    lines.ResetWrittenCount();
                }

                records++;
                if (endpoint.Paging == PagingStyle.Offset && record.ValueKind == JsonValueKind.Object &&
                    record.TryGetProperty("JournalNumber", out var number) && number.TryGetInt64(out var journalNumber))
                {
                    maxJournal = Math.Max(maxJournal ?? journalNumber, journalNumber);
                }
            }

            gzip.Write(lines.WrittenSpan);
        }

        var (bytes, length) = buffer.Detach();
        return new WrittenPage(bytes, length, records, maxJournal, ids);
    }

    /// <summary>The records' size in the response, for sizing the output (gzip of NDJSON is well under a quarter of it).</summary>
    private static int RawLength(JsonElement records) =>
        records.ValueKind == JsonValueKind.Array ? JsonMarshal.GetRawUtf8Value(records).Length : 0;

    /// <summary><see cref="FormatTimestamp"/> without a string per record.</summary>
    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[32];
        if (value.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
        {
            writer.WriteString(name, text[..length]);
        }
        else
        {
            writer.WriteString(name, FormatTimestamp(value));
        }
    }

    /// <summary>ISO-8601 UTC with milliseconds, accepted by DuckDB and BigQuery TIMESTAMP loads.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The record's bytes on one line: a pretty-printed response puts line breaks inside a record, which
    /// would split the NDJSON line. Raw CR/LF can only be insignificant whitespace in valid JSON (strings
    /// escape them), so they become spaces; every other byte is kept.
    /// </summary>
    private static ReadOnlySpan<byte> SingleLine(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            return raw;
        }

        var copy = raw.ToArray();
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        return copy;
    }

    private static string RecordId(JsonElement record, string keyField)
    {
        if (record.ValueKind == JsonValueKind.Object && record.TryGetProperty(keyField, out var key))
        {
            switch (key.ValueKind)
            {
                case JsonValueKind.String when ReadString(key) is { Length: > 0 } text:
                    return text;
                case JsonValueKind.String when key.GetRawText() is { Length: > 2 } raw:
                    // An escaped lone surrogate ("\ud800") is valid JSON but no .NET string: keep the id as
                    // sent, still escaped, so the record lands under a deterministic id.
                    return raw[1..^1];
                case JsonValueKind.Number:
                    return key.GetRawText();
            }
        }

        // No key: identify the record by its content so it still lands, deduplicated only against itself.
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonMarshal.GetRawUtf8Value(record)));
    }

    private static DateTimeOffset? UpdatedAt(JsonElement record, string? field) =>
        field is not null && record.ValueKind == JsonValueKind.Object &&
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String &&
        XeroDate.TryParse(ReadString(value), out var parsed)
            ? parsed
            : null;

    /// <summary>The string's value, or null when it holds an escaped lone surrogate (which GetString refuses).</summary>
    private static string? ReadString(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
