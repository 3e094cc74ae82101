using System.Security.Cryptography;
using System.Text;

namespace XeroSync.Xero;

/// <summary>
/// Building blocks of the authorization-code flow with PKCE (RFC 7636, S256): the code verifier, its
/// challenge, an unguessable state and the authorize URL.
/// </summary>
public static class XeroAuthorizeRequest
{
    /// <summary>A fresh 43-character base64url code verifier (32 random bytes).</summary>
    public static string CreateCodeVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A fresh random <c>state</c> value.</summary>
    public static string CreateState() => Base64Url(RandomNumberGenerator.GetBytes(24));

    /// <summary>BASE64URL(SHA256(ASCII(verifier))), the S256 challenge.</summary>
    public static string CodeChallenge(string codeVerifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        return Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));
    }

    /// <summary><c>{loginUrl}connect/authorize?response_type=code&amp;client_id=…&amp;code_challenge_method=S256</c>.</summary>
    public static Uri BuildUrl(Uri loginUrl, string clientId, Uri redirectUri, string scopes, string state, string codeChallenge)
    {
        ArgumentNullException.ThrowIfNull(loginUrl);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(scopes);
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentException.ThrowIfNullOrEmpty(codeChallenge);
        var query = string.Join('&', new[]
        {
            ("response_type", "code"),
            ("client_id", clientId),
            ("redirect_uri", redirectUri.ToString()),
            ("scope", scopes),
            ("state", state),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
        }.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
        return new Uri(loginUrl, "connect/authorize?" + query);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
