using System.Buffers;
using System.Text;
using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// Parses a Xero response body in one forward pass of <see cref="Utf8JsonReader"/> (the whole body is validated as JSON,
/// as <see cref="JsonDocument"/> would): finds the collection array and <c>pagination</c> with a JSON object's lookup rules
/// (the last exact name, else the first case-insensitive one), and indexes each record's bytes and its key, updated and
/// journal-number values on the way, so the page writer copies records without a document tree or a second parse.
/// </summary>
internal static class XeroPageParser
{
    private const string PaginationProperty = "pagination";

    /// <summary>Parses <paramref name="length"/> bytes of <paramref name="rentedBody"/> (rented from <see cref="ArrayPool{T}.Shared"/>); the page owns the buffer once returned, the caller still owns it if this throws.</summary>
    public static XeroPage Parse(byte[] rentedBody, int length, XeroEndpoint endpoint, DateTimeOffset? serverDate = null, int calls = 1, int throttles = 0, int? dayRemaining = null)
    {
        ArgumentNullException.ThrowIfNull(rentedBody);
        ArgumentNullException.ThrowIfNull(endpoint);
        var fields = RecordFields.Of(endpoint);
        var offset = rentedBody.AsSpan(0, length).StartsWith("\uFEFF"u8) ? 3 : 0;
        var reader = new Utf8JsonReader(rentedBody.AsSpan(offset, length - offset));
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            EnsureEnd(ref reader);
            throw new JsonException($"Xero's {endpoint.Name} response is not a JSON object.");
        }

        var collection = Encoding.UTF8.GetBytes(endpoint.CollectionProperty);
        var index = new RecordIndex(endpoint.PageSize);
        try
        {
            PropertyCandidate records = default;
            PropertyCandidate paging = default;
            var arrayStart = 0;
            var arrayLength = 0;
            XeroPagination? pagination = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCollection = records.Takes(Match(ref reader, collection, endpoint.CollectionProperty));
                var isPagination = !isCollection && paging.Takes(Match(ref reader, "pagination"u8, PaginationProperty));
                reader.Read();
                if (isCollection && reader.TokenType == JsonTokenType.StartArray)
                {
                    records.IsArray = true;
                    arrayStart = (int)reader.TokenStartIndex + offset;
                    index.Clear();
                    IndexArray(ref reader, offset, fields, index);
                    arrayLength = (int)reader.BytesConsumed + offset - arrayStart;
                    continue;
                }

                if (isCollection)
                {
                    records.IsArray = false;
                }

                if (isPagination)
                {
                    pagination = reader.TokenType == JsonTokenType.StartObject ? JsonSerializer.Deserialize(ref reader, XeroJsonContext.Default.XeroPagination) : null;
                    reader.Skip();
                    continue;
                }

                reader.Skip();
            }

            EnsureEnd(ref reader);
            if (!records.IsArray)
            {
                throw new JsonException($"Xero's {endpoint.Name} response has no '{endpoint.CollectionProperty}' array.");
            }

            return new XeroPage(rentedBody, arrayStart, arrayLength, index, fields, pagination, serverDate, calls, throttles) { DayRemaining = dayRemaining };
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Indexes the records of a page parsed earlier for other fields (a by-id read written as its detail endpoint).</summary>
    public static RecordIndex Reindex(ReadOnlySpan<byte> array, int arrayStart, RecordFields fields, int expected)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read();
        var index = new RecordIndex(expected);
        try
        {
            IndexArray(ref reader, arrayStart, fields, index);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Reads from the array's <c>[</c> through its <c>]</c>, adding each element (offsets shifted by <paramref name="offset"/>).</summary>
    private static void IndexArray(ref Utf8JsonReader reader, int offset, RecordFields fields, RecordIndex index)
    {
        var key = Encoding.UTF8.GetBytes(fields.KeyField);
        var updated = fields.UpdatedField is { } name ? Encoding.UTF8.GetBytes(name) : null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            RawToken keyValue = default, updatedValue = default, journal = default;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isKey = reader.ValueTextEquals(key);
                    var isUpdated = updated is not null && reader.ValueTextEquals(updated);
                    var isJournal = fields.JournalNumber && reader.ValueTextEquals("JournalNumber"u8);
                    reader.Read();
                    var value = (int)reader.TokenStartIndex;
                    var type = reader.TokenType;
                    reader.Skip();
                    var token = new RawToken(value + offset, (int)reader.BytesConsumed - value, type);
                    keyValue = isKey ? token : keyValue;
                    updatedValue = isUpdated ? token : updatedValue;
                    journal = isJournal ? token : journal;
                }
            }
            else
            {
                reader.Skip();
            }

            index.Add(new IndexedRecord(start + offset, (int)reader.BytesConsumed - start, keyValue, updatedValue, journal));
        }
    }

    /// <summary>Whether the property name is the one sought: exactly (after unescaping), or only ignoring case.</summary>
    private static NameMatch Match(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, string name)
    {
        if (reader.ValueTextEquals(utf8))
        {
            return NameMatch.Exact;
        }

        try
        {
            return string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase) ? NameMatch.IgnoringCase : NameMatch.None;
        }
        catch (InvalidOperationException)
        {
            // A name with an escaped lone surrogate is no .NET string, and not the one sought.
            return NameMatch.None;
        }
    }

    /// <summary>Nothing but whitespace after the root value (the reader throws on anything else).</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.CurrentDepth != 0 || reader.Read())
        {
            throw new JsonException("Unexpected JSON after the root value.");
        }
    }
}
