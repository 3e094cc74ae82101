using System.Globalization;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Xero's .NET JSON date forms.</summary>
internal static class XeroDates
{
    /// <summary>"/Date(1476316800000+0000)/" as used on records.</summary>
    public static string Record(DateTimeOffset value) =>
        string.Create(CultureInfo.InvariantCulture, $"/Date({value.ToUnixTimeMilliseconds()}+0000)/");

    /// <summary>"/Date(1551212901659)/" as used on the envelope's DateTimeUTC.</summary>
    public static string Envelope(DateTimeOffset value) =>
        string.Create(CultureInfo.InvariantCulture, $"/Date({value.ToUnixTimeMilliseconds()})/");

    /// <summary>"2016-10-13T00:00:00" (DateString forms).</summary>
    public static string DateString(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"2019-03-05T18:59:06Z" (UpdatedDateUTCString).</summary>
    public static string UtcString(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Day(DateTimeOffset value) => new(value.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>Unix ms from "/Date(ms+0000)/" or "/Date(ms)/"; 0 when the value is not in that form.</summary>
    public static long ParseMs(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var start = value.IndexOf('(', StringComparison.Ordinal) + 1;
        var end = start;
        while (end < value.Length && (char.IsAsciiDigit(value[end]) || (end == start && value[end] == '-')))
        {
            end++;
        }

        return start > 0 && long.TryParse(value.AsSpan(start, end - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
    }
}
