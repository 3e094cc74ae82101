using System.Globalization;
using System.Text.Json;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>Xero's <c>order</c> parameter: "Field [ASC|DESC]", comma-separated for ties; any element of the record.</summary>
internal static class ListOrdering
{
    /// <summary>Sorts <paramref name="records"/> (stable: ties keep the incoming order); false when the parameter is malformed.</summary>
    public static bool TryApply(string order, EndpointDefinition definition, IEnumerable<StoredRecord> records, out IEnumerable<StoredRecord> ordered)
    {
        ordered = records;
        IOrderedEnumerable<StoredRecord>? sorted = null;
        foreach (var clause in order.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2 || !parts[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))
            {
                return false;
            }

            var descending = parts.Length == 2 && string.Equals(parts[1], "DESC", StringComparison.OrdinalIgnoreCase);
            if (parts.Length == 2 && !descending && !string.Equals(parts[1], "ASC", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var key = KeyFor(parts[0], definition);
            sorted = (sorted, descending) switch
            {
                (null, false) => ordered.OrderBy(key, SortKeyComparer.Instance),
                (null, true) => ordered.OrderByDescending(key, SortKeyComparer.Instance),
                (_, false) => sorted.ThenBy(key, SortKeyComparer.Instance),
                (_, true) => sorted.ThenByDescending(key, SortKeyComparer.Instance),
            };
        }

        if (sorted is null)
        {
            return false;
        }

        ordered = sorted;
        return true;
    }

    private static Func<StoredRecord, SortKey> KeyFor(string field, EndpointDefinition definition)
    {
        if (string.Equals(field, definition.KeyField, StringComparison.OrdinalIgnoreCase))
        {
            return r => new SortKey(2, 0, 0, r.Id);
        }

        if (string.Equals(field, definition.TimestampField, StringComparison.OrdinalIgnoreCase))
        {
            return r => new SortKey(1, r.TimestampMs, r.Touch, null);
        }

        return r => FromJson(r.Json, field);
    }

    private static SortKey FromJson(byte[] json, string field)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement value = default;
        var found = false;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                found = true;
                break;
            }
        }

        if (!found)
        {
            return new SortKey(0, 0, 0, null);
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => new SortKey(1, value.GetDecimal(), 0, null),
            JsonValueKind.True => new SortKey(1, 1, 0, null),
            JsonValueKind.False => new SortKey(1, 0, 0, null),
            JsonValueKind.String when value.GetString() is { } text && text.StartsWith("/Date(", StringComparison.Ordinal) => new SortKey(1, XeroDates.ParseMs(text), 0, null),
            JsonValueKind.String => new SortKey(2, 0, 0, value.GetString()),
            _ => new SortKey(2, 0, 0, value.GetRawText().ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Missing (rank 0) sorts before numbers and dates (rank 1), which sort before text (rank 2, ordinal).</summary>
    private readonly record struct SortKey(int Rank, decimal Number, long TieBreak, string? Text);

    private sealed class SortKeyComparer : IComparer<SortKey>
    {
        public static readonly SortKeyComparer Instance = new();

        public int Compare(SortKey x, SortKey y)
        {
            var result = x.Rank.CompareTo(y.Rank);
            if (result == 0)
            {
                result = x.Number.CompareTo(y.Number);
            }

            if (result == 0)
            {
                result = x.TieBreak.CompareTo(y.TieBreak);
            }

            return result != 0 ? result : string.CompareOrdinal(x.Text, y.Text);
        }
    }
}
