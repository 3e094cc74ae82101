using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>Decodes as a JSON element's raw text does: invalid UTF-8 is an error, not a replacement character.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        using var buffer = new PooledBufferStream(page.ArrayBytes.Length / 4);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            using var writer = new Utf8JsonWriter(lines, WriterOptions);
            var fetched = FormatTimestamp(fetchedAt);
            foreach (var record in page.Records(endpoint))
            {
                var raw = page.Bytes(record.Start, record.Length);
                writer.Reset(lines);
                writer.WriteStartObject();
                writer.WriteString("tenant_id", tenantId);
                var id = RecordId(page, record, raw);
                ids.Add(id);
                writer.WriteString("record_id", id);
                if (UpdatedAt(page, record.Updated) is { } updated)
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
                writer.WriteRawValue(SingleLine(raw), skipInputValidation: true);
                writer.WriteEndObject();
                writer.Flush();
                lines.Write("\n"u8);
                if (lines.WrittenCount >= LineChunk)
                {
                    gzip.Write(lines.WrittenSpan);
                    lines.ResetWrittenCount();
                }

                records++;
                if (endpoint.Paging == PagingStyle.Offset && JournalNumber(page, record.JournalNumber) is { } journalNumber)
                {
                    maxJournal = Math.Max(maxJournal ?? journalNumber, journalNumber);
                }
            }

            gzip.Write(lines.WrittenSpan);
        }

        var (bytes, length) = buffer.Detach();
        return new WrittenPage(bytes, length, records, maxJournal, ids);
    }

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

    private static string RecordId(XeroPage page, IndexedRecord record, ReadOnlySpan<byte> raw)
    {
        var key = record.Key;
        switch (key.Type)
        {
            case JsonTokenType.String:
                var literal = page.Bytes(key.Start, key.Length);
                if (ReadString(literal) is { Length: > 0 } text)
                {
                    return text;
                }

                if (literal.Length > 2)
                {
                    // An escaped lone surrogate ("\ud800") is valid JSON but no .NET string: keep the id as
                    // sent, still escaped, so the record lands under a deterministic id.
                    return StrictUtf8.GetString(literal[1..^1]);
                }

                break;
            case JsonTokenType.Number:
                return StrictUtf8.GetString(page.Bytes(key.Start, key.Length));
        }

        // No key: identify the record by its content so it still lands, deduplicated only against itself.
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));
    }

    private static DateTimeOffset? UpdatedAt(XeroPage page, RawToken value)
    {
        if (value.Type != JsonTokenType.String)
        {
            return null;
        }

        var reader = new Utf8JsonReader(page.Bytes(value.Start, value.Length));
        reader.Read();
        Span<char> text = stackalloc char[64];
        try
        {
            // Unescaped, a string has at most as many chars as its literal has bytes.
            return reader.ValueSpan.Length <= text.Length
                ? XeroDate.TryParse(text[..reader.CopyString(text)], out var parsed) ? parsed : null
                : XeroDate.TryParse(reader.GetString(), out parsed) ? parsed : null;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate or invalid UTF-8: no date.
            return null;
        }
    }

    /// <summary>The record's JournalNumber; like a JSON element's TryGetInt64, anything but a number there is an error.</summary>
    private static long? JournalNumber(XeroPage page, RawToken value)
    {
        if (!value.IsPresent)
        {
            return null;
        }

        if (value.Type != JsonTokenType.Number)
        {
            throw new InvalidOperationException($"A journal's JournalNumber is a JSON {value.Type}, not a number.");
        }

        var reader = new Utf8JsonReader(page.Bytes(value.Start, value.Length));
        reader.Read();
        return reader.TryGetInt64(out var number) ? number : null;
    }

    /// <summary>The string literal's value, or null when it holds an escaped lone surrogate (which GetString refuses).</summary>
    private static string? ReadString(ReadOnlySpan<byte> literal)
    {
        var reader = new Utf8JsonReader(literal);
        reader.Read();
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
