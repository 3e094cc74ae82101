using System.Globalization;

namespace XeroSync.XeroSimulator.Api;

/// <summary>Parses the If-Modified-Since header (RFC 1123 or ISO 8601; UTC unless an offset is given; truncated to the second).</summary>
internal static class IfModifiedSince
{
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (!DateTimeOffset.TryParseExact(trimmed, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed))
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(parsed.ToUnixTimeSeconds());
    }
}
