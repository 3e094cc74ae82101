using System.Globalization;
using System.Text.Json;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>
/// Xero's <c>where</c> filter: comparisons (<c>==</c>, <c>!=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>) of a
/// dotted field path with a literal (<c>"text"</c>, a number, <c>true</c>/<c>false</c>, <c>null</c>,
/// <c>Guid("...")</c>, <c>DateTime(y, m, d)</c>), <c>.Contains("...")</c>/<c>.StartsWith</c>/<c>.EndsWith</c> on text,
/// joined with AND/OR (<c>&amp;&amp;</c>/<c>||</c>) and grouped with parentheses. Text compares ignoring case.
/// </summary>
internal sealed class WhereClause
{
    private readonly string _text;
    private int _at;

    private WhereClause(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/> into a predicate over a record; false with a message when it is not one.</summary>
    public static bool TryParse(string text, out Func<JsonElement, bool> predicate, out string error)
    {
        var parser = new WhereClause(text);
        try
        {
            predicate = parser.Or();
            parser.SkipSpace();
            if (parser._at != text.Length)
            {
                throw new FormatException($"unexpected '{text[parser._at..]}'");
            }

            error = "";
            return true;
        }
        catch (FormatException e)
        {
            predicate = _ => false;
            error = e.Message;
            return false;
        }
    }

    private Func<JsonElement, bool> Or()
    {
        var left = And();
        while (Keyword("OR") || Symbol("||"))
        {
            var a = left;
            var b = And();
            left = r => a(r) || b(r);
        }

        return left;
    }

    private Func<JsonElement, bool> And()
    {
        var left = Term();
        while (Keyword("AND") || Symbol("&&"))
        {
            var a = left;
            var b = Term();
            left = r => a(r) && b(r);
        }

        return left;
    }

    private Func<JsonElement, bool> Term()
    {
        if (Symbol("("))
        {
            var inner = Or();
            Expect(")");
            return inner;
        }

        if (Symbol("!"))
        {
            var negated = Term();
            return r => !negated(r);
        }

        var path = Path();
        foreach (var method in (string[])["Contains", "StartsWith", "EndsWith"])
        {
            if (Symbol("." + method + "("))
            {
                var argument = Literal();
                Expect(")");
                var needle = argument as string ?? throw new FormatException($"{method} takes text");
                return r => Resolve(r, path) is { ValueKind: JsonValueKind.String } v && Matches(method, v.GetString()!, needle);
            }
        }

        foreach (var op in (string[])["==", "!=", ">=", "<=", ">", "<"])
        {
            if (Symbol(op))
            {
                var literal = Literal();
                return r => Compare(Resolve(r, path), op, literal);
            }
        }

        return r => Resolve(r, path) is { ValueKind: JsonValueKind.True };
    }

    private static bool Matches(string method, string value, string needle) => method switch
    {
        "Contains" => value.Contains(needle, StringComparison.OrdinalIgnoreCase),
        "StartsWith" => value.StartsWith(needle, StringComparison.OrdinalIgnoreCase),
        _ => value.EndsWith(needle, StringComparison.OrdinalIgnoreCase),
    };

    private static bool Compare(JsonElement? value, string op, object? literal)
    {
        int? order = (value, literal) switch
        {
            (null or { ValueKind: JsonValueKind.Null }, null) => 0,
            (null or { ValueKind: JsonValueKind.Null }, _) or (_, null) => null,
            ({ ValueKind: JsonValueKind.String } v, string s) => string.Compare(v.GetString(), s, StringComparison.OrdinalIgnoreCase),
            ({ ValueKind: JsonValueKind.String } v, Guid g) => Guid.TryParse(v.GetString(), out var id) ? (id == g ? 0 : 1) : null,
            ({ ValueKind: JsonValueKind.String } v, DateTimeOffset d) => DateOf(v.GetString()!) is { } date ? date.CompareTo(d) : null,
            ({ ValueKind: JsonValueKind.Number } v, decimal n) => v.GetDecimal().CompareTo(n),
            ({ ValueKind: JsonValueKind.True or JsonValueKind.False } v, bool b) => v.GetBoolean() == b ? 0 : 1,
            _ => null,
        };
        return op switch
        {
            "==" => order == 0,
            "!=" => order != 0,
            ">" => order > 0,
            ">=" => order >= 0,
            "<" => order < 0,
            _ => order <= 0,
        };
    }

    private static DateTimeOffset? DateOf(string value)
    {
        if (value.StartsWith("/Date(", StringComparison.Ordinal))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(XeroDates.ParseMs(value));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
    }

    private static JsonElement? Resolve(JsonElement record, string[] path)
    {
        var current = record;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !TryProperty(current, name, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static bool TryProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private string[] Path()
    {
        SkipSpace();
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] == '_' || (_text[_at] == '.' && !IsMethodAhead())))
        {
            _at++;
        }

        if (_at == start)
        {
            throw new FormatException($"a field name is expected at '{_text[start..]}'");
        }

        return _text[start.._at].Split('.');
    }

    private bool IsMethodAhead() =>
        ((string[])["Contains(", "StartsWith(", "EndsWith("]).Any(m => string.CompareOrdinal(_text, _at + 1, m, 0, m.Length) == 0);

    private object? Literal()
    {
        SkipSpace();
        if (_at < _text.Length && _text[_at] == '"')
        {
            var end = _text.IndexOf('"', _at + 1);
            if (end < 0)
            {
                throw new FormatException("unterminated text");
            }

            var value = _text[(_at + 1)..end];
            _at = end + 1;
            return value;
        }

        if (Keyword("true"))
        {
            return true;
        }

        if (Keyword("false"))
        {
            return false;
        }

        if (Keyword("null"))
        {
            return null;
        }

        if (Symbol("Guid(") || Symbol("GUID("))
        {
            var text = Literal() as string;
            Expect(")");
            return Guid.TryParse(text, out var guid) ? guid : throw new FormatException($"'{text}' is not a GUID");
        }

        if (Symbol("DateTime("))
        {
            var parts = new List<int>();
            do
            {
                parts.Add((int)Number());
            }
            while (Symbol(","));
            Expect(")");
            try
            {
                return parts.Count switch
                {
                    3 => new DateTimeOffset(parts[0], parts[1], parts[2], 0, 0, 0, TimeSpan.Zero),
                    6 => new DateTimeOffset(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], TimeSpan.Zero),
                    _ => throw new FormatException("DateTime takes (year, month, day) or (year, month, day, hour, minute, second)"),
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new FormatException("DateTime is not a date");
            }
        }

        return Number();
    }

    private decimal Number()
    {
        SkipSpace();
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] is '.' or '-'))
        {
            _at++;
        }

        return decimal.TryParse(_text.AsSpan(start, _at - start), NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"a value is expected at '{_text[start..]}'");
    }

    private bool Keyword(string word)
    {
        SkipSpace();
        if (string.Compare(_text, _at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
            && (_at + word.Length == _text.Length || !char.IsAsciiLetterOrDigit(_text[_at + word.Length])))
        {
            _at += word.Length;
            return true;
        }

        return false;
    }

    private bool Symbol(string symbol)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _at, symbol, 0, symbol.Length) == 0)
        {
            _at += symbol.Length;
            return true;
        }

        return false;
    }

    private void Expect(string symbol)
    {
        if (!Symbol(symbol))
        {
            throw new FormatException($"'{symbol}' is expected");
        }
    }

    private void SkipSpace()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }
}
