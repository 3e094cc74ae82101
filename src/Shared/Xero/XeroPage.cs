using System.Buffers;

namespace XeroSync.Xero;

/// <summary>
/// One parsed Xero response: the body's bytes, in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, and an index of
/// where each record is in it (<see cref="XeroPageParser"/>), so each record's raw bytes can be copied to the NDJSON object
/// without re-serialising; dispose it when written.
/// </summary>
public sealed class XeroPage : IDisposable
{
    private readonly int _arrayStart;
    private readonly int _arrayLength;
    private byte[]? _body;
    private RecordIndex _index;
    private RecordFields _fields;

    internal XeroPage(byte[] rentedBody, int arrayStart, int arrayLength, RecordIndex index, RecordFields fields, XeroPagination? pagination, DateTimeOffset? serverDate, int calls, int throttles)
    {
        _body = rentedBody;
        _arrayStart = arrayStart;
        _arrayLength = arrayLength;
        _index = index;
        _fields = fields;
        Pagination = pagination;
        ServerDate = serverDate;
        Calls = calls;
        Throttles = throttles;
    }

    /// <summary>How many elements the collection array holds.</summary>
    public int Count => _index.Count;

    public XeroPagination? Pagination { get; }

    /// <summary>The response's <c>Date</c> header (Xero's clock), when present.</summary>
    public DateTimeOffset? ServerDate { get; }

    /// <summary>HTTP calls this page took, retries and 429s included.</summary>
    public int Calls { get; }

    /// <summary>429 responses seen while fetching this page.</summary>
    public int Throttles { get; }

    /// <summary>Response body bytes received for this page over all its calls, as sent on the wire (compressed where Xero compressed).</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>The same bodies' bytes after content decoding.</summary>
    public long BytesDecoded { get; internal set; }

    /// <summary>What this page cost at Xero: calls and bytes.</summary>
    public XeroUsage Usage => new(Calls, BytesReceived, BytesDecoded);

    /// <summary>Xero's <c>X-DayLimit-Remaining</c> on the last response, when sent: the organisation's calls left today.</summary>
    public int? DayRemaining { get; init; }

    /// <summary>The collection array's bytes as sent (from <c>[</c> to <c>]</c>).</summary>
    internal ReadOnlySpan<byte> ArrayBytes => Body.AsSpan(_arrayStart, _arrayLength);

    private byte[] Body => _body ?? throw new ObjectDisposedException(nameof(XeroPage));

    /// <summary>The bytes of record <paramref name="index"/> exactly as Xero sent them.</summary>
    public ReadOnlySpan<byte> RecordJson(int index)
    {
        var record = _index.Records[index];
        return Body.AsSpan(record.Start, record.Length);
    }

    /// <summary>The records, with <paramref name="endpoint"/>'s key, updated and journal-number fields located (indexed again if the page was parsed for other fields).</summary>
    internal ReadOnlySpan<IndexedRecord> Records(XeroEndpoint endpoint)
    {
        var fields = RecordFields.Of(endpoint);
        if (fields != _fields)
        {
            var index = XeroPageParser.Reindex(ArrayBytes, _arrayStart, fields, _index.Count);
            _index.Dispose();
            _index = index;
            _fields = fields;
        }

        return _index.Records;
    }

    /// <summary>The bytes of one located value (a record or a field's value).</summary>
    internal ReadOnlySpan<byte> Bytes(int start, int length) => Body.AsSpan(start, length);

    public void Dispose()
    {
        _index.Dispose();
        if (Interlocked.Exchange(ref _body, null) is { } body)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
