namespace XeroSync.Xero;

/// <summary>What the identity server granted: an access token and (standard apps) the next refresh token.</summary>
public sealed record TokenGrant(string AccessToken, string? RefreshToken, TimeSpan Lifetime, string? Scope)
{
    /// <summary>Keeps secrets out of any accidental ToString() in logs or exceptions.</summary>
    public override string ToString() => $"TokenGrant {{ Lifetime = {Lifetime}, HasRefreshToken = {RefreshToken is not null}, Scope = {Scope} }}";
}
