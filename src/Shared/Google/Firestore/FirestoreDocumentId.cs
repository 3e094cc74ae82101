using System.Globalization;
using System.Text;

namespace XeroSync.Google.Firestore;

/// <summary>
/// Turns identifiers into safe Firestore document ids: ASCII letters, digits, '-' and '_' pass through, every other
/// byte of the UTF-8 form becomes <c>%XX</c> (so '/', '.', '~' and '%' never appear raw and ids never collide).
/// </summary>
public static class FirestoreDocumentId
{
    public static string Encode(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Joins encoded parts with '~' (which <see cref="Encode"/> never leaves raw).</summary>
    public static string Join(params string[] parts) => string.Join('~', parts.Select(Encode));

    /// <summary>Microseconds since the Unix epoch (the integer form used for max/min transforms).</summary>
    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
