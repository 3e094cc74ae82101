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

    /// <summary>The length of <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    private const int TimestampLength = 24;
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>Characters an id may hold to be written as-is: none of them is escaped by Utf8JsonWriter's default encoder.</summary>
    private static readonly SearchValues<char> PlainIdChars = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_:.");

    /// <summary>Decodes as a JSON element's raw text does: invalid UTF-8 is an error, not a replacement character.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static WrittenPage Write(XeroPage page, XeroEndpoint endpoint, string tenantId, string runId, int pageNumber, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(endpoint);
        long? maxJournal = null;
        var records = 0;

        // What is the same on every line is rendered once by Utf8JsonWriter (its escaping): the head up to record_id's
        // value and the tail from run_id to payload's name. Lines are built in one pooled chunk and handed to gzip in
        // large pieces (a write per record costs more than the deflate itself at this size); gzip writes into a pooled
        // buffer sized for the usual ratio, which the returned page owns until it is disposed.
        var idWriter = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(idWriter, WriterOptions);
        var (head, tail) = ConstantParts(writer, idWriter, tenantId, runId, pageNumber, FormatTimestamp(fetchedAt));
        var ids = new List<string>(page.Count);
        var chunk = ArrayPool<byte>.Shared.Rent(LineChunk + (LineChunk / 4));
        var used = 0;
        try
        {
            using var buffer = new PooledBufferStream(page.ArrayBytes.Length / 4);
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                Span<byte> timestamp = stackalloc byte[TimestampLength + 2];
                Span<byte> idScratch = stackalloc byte[130];
                foreach (var record in page.Records(endpoint))
                {
                    var raw = page.Bytes(record.Start, record.Length);
                    var id = RecordId(page, record, raw);
                    ids.Add(id);
                    Append(gzip, chunk, ref used, head);
                    Append(gzip, chunk, ref used, IdLiteral(writer, idWriter, id, idScratch));
                    Append(gzip, chunk, ref used, ",\"updated_at\":"u8);
                    Append(gzip, chunk, ref used, UpdatedAt(page, record.Updated) is { } updated ? TimestampLiteral(updated, timestamp) : "null"u8);
                    Append(gzip, chunk, ref used, tail);
                    Append(gzip, chunk, ref used, SingleLine(raw));
                    Append(gzip, chunk, ref used, "}\n"u8);
                    if (used >= LineChunk)
                    {
                        gzip.Write(chunk, 0, used);
                        used = 0;
                    }

                    records++;
                    if (endpoint.Paging == PagingStyle.Offset && JournalNumber(page, record.JournalNumber) is { } journalNumber)
                    {
                        maxJournal = Math.Max(maxJournal ?? journalNumber, journalNumber);
                    }
                }

                gzip.Write(chunk, 0, used);
            }

            var (bytes, length) = buffer.Detach();
            return new WrittenPage(bytes, length, records, maxJournal, ids);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Adds bytes to the chunk, handing the chunk to gzip first when they do not fit (and them directly when larger than a chunk).</summary>
    private static void Append(GZipStream gzip, byte[] chunk, ref int used, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > chunk.Length - used)
        {
            gzip.Write(chunk, 0, used);
            used = 0;
            if (bytes.Length > chunk.Length)
            {
                gzip.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(chunk.AsSpan(used));
        used += bytes.Length;
    }

    /// <summary>
    /// <c>{"tenant_id":…,"record_id":</c> and <c>,"run_id":…,"page":…,"fetched_at":…,"payload":</c>, as Utf8JsonWriter writes them
    /// (a property name is written with its colon, and a property after the first with its comma).
    /// </summary>
    private static (byte[] Head, byte[] Tail) ConstantParts(Utf8JsonWriter writer, ArrayBufferWriter<byte> output, string tenantId, string runId, int pageNumber, string fetched)
    {
        output.ResetWrittenCount();
        writer.Reset(output);
        writer.WriteStartObject();
        writer.WriteString("tenant_id", tenantId);
        writer.WritePropertyName("record_id");
        writer.Flush();
        var head = output.WrittenSpan.ToArray();
        writer.WriteNullValue();
        writer.Flush();
        var mark = output.WrittenCount;
        writer.WriteString("run_id", runId);
        writer.WriteNumber("page", pageNumber);
        writer.WriteString("fetched_at", fetched);
        writer.WritePropertyName("payload");
        writer.Flush();
        var tail = output.WrittenSpan[mark..].ToArray();
        output.ResetWrittenCount();
        return (head, tail);
    }

    /// <summary>The id as a JSON string: written directly when nothing in it needs escaping, else by Utf8JsonWriter.</summary>
    private static ReadOnlySpan<byte> IdLiteral(Utf8JsonWriter writer, ArrayBufferWriter<byte> output, string id, Span<byte> scratch)
    {
        if (id.Length + 2 <= scratch.Length && !id.AsSpan().ContainsAnyExcept(PlainIdChars))
        {
            scratch[0] = (byte)'"';
            var length = Encoding.ASCII.GetBytes(id, scratch[1..]);
            scratch[length + 1] = (byte)'"';
            return scratch[..(length + 2)];
        }

        output.ResetWrittenCount();
        writer.Reset(output);
        writer.WriteStringValue(id);
        writer.Flush();
        return output.WrittenSpan;
    }

    /// <summary><see cref="FormatTimestamp"/> as a JSON string literal, without a string per record (its characters need no escaping).</summary>
    private static ReadOnlySpan<byte> TimestampLiteral(DateTimeOffset value, Span<byte> scratch)
    {
        scratch[0] = (byte)'"';
        if (!value.UtcDateTime.TryFormat(scratch[1..], out var written, TimestampFormat, CultureInfo.InvariantCulture) || written != TimestampLength)
        {
            throw new InvalidOperationException($"Timestamp {value:O} does not format in {TimestampLength} bytes.");
        }

        scratch[written + 1] = (byte)'"';
        return scratch[..(written + 2)];
    }

    /// <summary>ISO-8601 UTC with milliseconds, accepted by DuckDB and BigQuery TIMESTAMP loads.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

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
