using DuckDB.NET.Data;

namespace XeroSync.Warehouse.Local;

/// <summary>
/// Walks one NDJSON object's lines as its bytes arrive, appending each non-blank line as a row tagged with its load and
/// counting lines (1-based, blank ones included) for error messages.
/// </summary>
internal sealed class NdjsonLineCursor(string objectName, string loadId)
{
    private int _lineNumber;

    public long Rows { get; private set; }

    /// <summary>Appends every complete line in <paramref name="data"/>; returns the bytes consumed (up to the last newline).</summary>
    public int AppendComplete(DuckDBAppender appender, Span<byte> data)
    {
        var consumed = 0;
        int end;
        while ((end = data[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            Append(appender, data.Slice(consumed, end));
            consumed += end + 1;
        }

        return consumed;
    }

    /// <summary>The object's last line, which has no newline after it (empty when the object ends with one).</summary>
    public void AppendLast(DuckDBAppender appender, Span<byte> data)
    {
        if (!data.IsEmpty)
        {
            Append(appender, data);
        }
    }

    private void Append(DuckDBAppender appender, Span<byte> line)
    {
        _lineNumber++;
        line = line.TrimEnd(" \t\r"u8);
        if (line.IsEmpty)
        {
            return;
        }

        DuckDbWarehouse.AppendLine(appender, line, objectName, _lineNumber, loadId);
        Rows++;
    }
}
