using System.Security.Cryptography;
using System.Text;

namespace XeroSync.Webhooks;

/// <summary>
/// Xero's webhook signature (developer.xero.com/documentation/webhooks/configuring-your-server): the raw request body
/// hashed with HMAC-SHA256 under the app's webhook key, base64 encoded, in the <c>x-xero-signature</c> header.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "x-xero-signature";

    /// <summary>The signature Xero sends for <paramref name="body"/> (base64 of HMAC-SHA256 keyed with the key's UTF-8 bytes).</summary>
    public static string Compute(string key, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));
    }

    /// <summary>
    /// Whether <paramref name="header"/> is the base64 of <paramref name="mac"/> (the body's HMAC). The comparison of the
    /// decoded bytes takes the same time wherever they differ; a header that is not base64 of 32 bytes is simply wrong.
    /// </summary>
    public static bool Matches(string? header, ReadOnlySpan<byte> mac)
    {
        if (string.IsNullOrEmpty(header) || header.Length > 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[48];
        return Convert.TryFromBase64String(header.Trim(), given, out var written) && written == mac.Length &&
            CryptographicOperations.FixedTimeEquals(given[..written], mac);
    }
}
