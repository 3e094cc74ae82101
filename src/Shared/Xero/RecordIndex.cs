using System.Buffers;

namespace XeroSync.Xero;

/// <summary>A page's <see cref="IndexedRecord"/>s in an array rented from <see cref="ArrayPool{T}.Shared"/>, returned on dispose.</summary>
internal sealed class RecordIndex(int capacity) : IDisposable
{
    private IndexedRecord[] _records = ArrayPool<IndexedRecord>.Shared.Rent(Math.Max(capacity, 16));

    public int Count { get; private set; }

    public ReadOnlySpan<IndexedRecord> Records => _records.AsSpan(0, Count);

    public void Add(IndexedRecord record)
    {
        if (Count == _records.Length)
        {
            var larger = ArrayPool<IndexedRecord>.Shared.Rent(_records.Length * 2);
            Records.CopyTo(larger);
            ArrayPool<IndexedRecord>.Shared.Return(_records);
            _records = larger;
        }

        _records[Count++] = record;
    }

    public void Clear() => Count = 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _records, []) is { Length: > 0 } rented)
        {
            ArrayPool<IndexedRecord>.Shared.Return(rented);
        }

        Count = 0;
    }
}
