using System.Globalization;

namespace XeroSync.Xero;

/// <summary>Parses Xero's .NET JSON dates (<c>/Date(1439434356790+0000)/</c>) and ISO-8601 strings.</summary>
public static class XeroDate
{
    /// <summary>
    /// The instant a Xero date names. <c>/Date(ms±hhmm)/</c>: ms are Unix milliseconds (UTC); the offset
    /// is informational. Negative milliseconds are valid (dates before 1970). ISO-8601 is accepted too.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.StartsWith("/Date(", StringComparison.Ordinal) && text.EndsWith(")/", StringComparison.Ordinal))
        {
            var inner = text[6..^2];
            var end = inner.Length;
            for (var i = 1; i < inner.Length; i++)
            {
                if (inner[i] is '+' or '-')
                {
                    end = i;
                    break;
                }
            }

            if (!long.TryParse(inner[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) ||
                ms < -62_135_596_800_000 || ms > 253_402_300_799_999)
            {
                return false;
            }

            value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            value = value.ToUniversalTime();
            return true;
        }

        return false;
    }
}
