using System.Text;
using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// The scopes a Xero access token grants: from the token response's <c>scope</c> (space-separated, also what a
/// client-credentials token reports), or from the access token's own <c>scope</c> claim (Xero's access tokens are JWTs).
/// </summary>
public sealed record GrantedScopes
{
    private GrantedScopes(IReadOnlySet<string> scopes) => Scopes = scopes;

    public IReadOnlySet<string> Scopes { get; }

    /// <summary>The scopes of a space-separated list; null when the list is empty or absent (nothing known).</summary>
    public static GrantedScopes? Parse(string? scope)
    {
        var scopes = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return scopes.Length == 0 ? null : new GrantedScopes(scopes.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The token response's scopes, else the JWT access token's <c>scope</c> claim (a string or an array), else null.</summary>
    public static GrantedScopes? From(string? reported, string? accessToken) => Parse(reported) ?? FromJwt(accessToken);

    /// <summary>The <c>scope</c> claim of a JWT access token, or null when the token is not a readable JWT or has none.</summary>
    public static GrantedScopes? FromJwt(string? accessToken)
    {
        var parts = accessToken?.Split('.');
        if (parts is not { Length: 3 } || parts[1].Length is 0 or > 16 * 1024)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("scope", out var claim))
            {
                return null;
            }

            return claim.ValueKind switch
            {
                JsonValueKind.String => Parse(claim.GetString()),
                JsonValueKind.Array => Parse(string.Join(' ', claim.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()))),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether the token may read <paramref name="endpoint"/>.</summary>
    public bool Grants(XeroEndpoint endpoint) => XeroScopes.AcceptedFor(endpoint) is var accepted && (accepted.Count == 0 || accepted.Any(Scopes.Contains));

    public override string ToString() => string.Join(' ', Scopes.Order(StringComparer.Ordinal));
}
