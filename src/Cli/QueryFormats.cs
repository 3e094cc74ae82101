using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using XeroSync.Warehouse.Local;

namespace XeroSync.Cli;

/// <summary>How query values are written: invariant culture, exact decimals, ISO dates, RFC 4180 CSV, JSON numbers for numeric columns.</summary>
public static class QueryFormats
{
    public static bool IsNumeric(string duckDbType)
    {
        ArgumentNullException.ThrowIfNull(duckDbType);
        var type = duckDbType.ToUpperInvariant();
        return type.StartsWith("DECIMAL", StringComparison.Ordinal) || type is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT"
            or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT" or "FLOAT" or "DOUBLE";
    }

    /// <summary>A value as text, null for SQL NULL.</summary>
    public static string? Text(object? value, string duckDbType) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt when string.Equals(duckDbType, "DATE", StringComparison.OrdinalIgnoreCase) => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF'+00'", CultureInfo.InvariantCulture),
        // DuckDB hands back DECIMAL values with trailing zeros dropped (702.70 as 702.7): show money with two decimals, more when there are more.
        decimal m => m.Scale < 2 ? m.ToString("0.00", CultureInfo.InvariantCulture) : m.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IDictionary or System.Collections.IEnumerable => NestedJson(value),
        _ => value.ToString(),
    };

    /// <summary>Whether a value is a LIST, ARRAY, STRUCT or MAP (printed as JSON text, and in JSON as nested JSON).</summary>
    public static bool IsNested(object? value) => value is System.Collections.IDictionary or (System.Collections.IEnumerable and not string and not byte[]);

    /// <summary>A LIST, ARRAY, STRUCT or MAP value as compact JSON text: objects for STRUCT and MAP, arrays for LIST and ARRAY.</summary>
    public static string NestedJson(object value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteNested(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNested(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case System.Collections.IDictionary dictionary:
                writer.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Text(entry.Key, string.Empty) ?? "null");
                    WriteNested(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable items and not byte[]:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteNested(writer, item);
                }

                writer.WriteEndArray();
                break;
            case sbyte or byte or short or ushort or int or uint or long or ulong or decimal or BigInteger:
                writer.WriteRawValue(Text(value, string.Empty)!, skipInputValidation: false);
                break;
            case double d when double.IsFinite(d):
                writer.WriteRawValue(Text(value, string.Empty)!, skipInputValidation: false);
                break;
            case float f when float.IsFinite(f):
                writer.WriteRawValue(Text(value, string.Empty)!, skipInputValidation: false);
                break;
            default:
                writer.WriteStringValue(Text(value, string.Empty));
                break;
        }
    }

    public static string Csv(WarehouseQueryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        AppendCsvLine(text, result.Columns);
        foreach (var row in result.Rows)
        {
            AppendCsvLine(text, row.Select((value, i) => Text(value, result.ColumnTypes[i]) ?? string.Empty).ToArray());
        }

        return text.ToString();
    }

    /// <summary>A JSON array of objects; numeric columns are JSON numbers written with every digit DuckDB returned.</summary>
    public static string Json(WarehouseQueryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var row in result.Rows)
            {
                writer.WriteStartObject();
                for (var i = 0; i < row.Length; i++)
                {
                    writer.WritePropertyName(result.Columns[i]);
                    var text = Text(row[i], result.ColumnTypes[i]);
                    if (text is null)
                    {
                        writer.WriteNullValue();
                    }
                    else if (row[i] is bool b)
                    {
                        writer.WriteBooleanValue(b);
                    }
                    else if (IsNested(row[i]))
                    {
                        writer.WriteRawValue(text, skipInputValidation: false);
                    }
                    else if (IsNumeric(result.ColumnTypes[i]) && row[i] is not (double or float) || row[i] is double d && double.IsFinite(d) || row[i] is float f && float.IsFinite(f))
                    {
                        writer.WriteRawValue(text, skipInputValidation: false);
                    }
                    else
                    {
                        writer.WriteStringValue(text);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void AppendCsvLine(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var cell = cells[i];
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                text.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                text.Append(cell);
            }
        }

        text.Append("\r\n");
    }
}
