using System.Buffers;

namespace XeroSync.Pipeline;

/// <summary>
/// A page rendered as a gzipped NDJSON object, in a buffer rented from <see cref="ArrayPool{T}.Shared"/>: dispose it once
/// the object is stored (a page's output is large enough for the large-object heap, which a fresh array per page would
/// grow until a full collection). Not disposing is safe; the buffer is then left to the garbage collector.
/// </summary>
public sealed class WrittenPage : IDisposable
{
    private byte[]? _rented;

    internal WrittenPage(byte[] rented, int length, int records, long? maxJournalNumber, IReadOnlyList<string> recordIds)
    {
        RecordIds = recordIds;
        _rented = rented;
        Content = rented.AsMemory(0, length);
        Records = records;
        MaxJournalNumber = maxJournalNumber;
    }

    /// <summary>The object's bytes; not to be used after <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    public int Records { get; }

    /// <summary>Journals: the highest JournalNumber on the page (the next offset).</summary>
    public long? MaxJournalNumber { get; }

    /// <summary>The <c>record_id</c> of each line, in order.</summary>
    public IReadOnlyList<string> RecordIds { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
