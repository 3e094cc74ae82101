using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using XeroSync.Warehouse.Typed;

namespace XeroSync.Tests;

/// <summary>
/// The value a typed column should hold, computed in C# from the simulator's own JSON (independently of any SQL):
/// Xero's <c>/Date(ms+hhmm)/</c> and ISO dates, exact decimals, booleans (also as "true"/"false" strings).
/// Values are normalised so they compare with what DuckDB returns: string, decimal, long, bool, DateTime (UTC), DateOnly.
/// </summary>
internal static partial class TruthValue
{
    public static JsonElement? At(JsonElement element, string dottedPath)
    {
        var current = element;
        foreach (var name in dottedPath.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    public static object? Expected(JsonElement? value, TypedKind kind)
    {
        if (value is not { } v)
        {
            return null;
        }

        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return kind switch
        {
            TypedKind.Text => v.ValueKind == JsonValueKind.Number ? decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : text,
            TypedKind.Number => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            TypedKind.WholeNumber => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            TypedKind.Boolean => bool.TryParse(text, out var b) ? b : null,
            TypedKind.Timestamp => Instant(text),
            TypedKind.Date => Instant(text) is { } t ? DateOnly.FromDateTime(t) : null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Whether DuckDB's value equals the expected one (a DATE may come back as DateTime; a JSON number in a text column as its text).</summary>
    public static bool Same(object? expected, object? actual, TypedKind kind) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (DateOnly e, DateTime a) when kind == TypedKind.Date => e == DateOnly.FromDateTime(a),
        (decimal e, string a) => decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == e,
        (decimal e, decimal a) => e == a,
        (long e, long a) => e == a,
        _ => Equals(expected, actual),
    };

    /// <summary>A UTC instant from <c>/Date(1573755038314+0000)/</c> or an ISO 8601 string.</summary>
    public static DateTime? Instant(string text)
    {
        var match = XeroDate().Match(text);
        if (match.Success)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)).UtcDateTime;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var iso) ? iso : null;
    }

    [GeneratedRegex(@"^/Date\((-?\d+)([+-]\d{4})?\)/$", RegexOptions.CultureInvariant)]
    private static partial Regex XeroDate();
}
