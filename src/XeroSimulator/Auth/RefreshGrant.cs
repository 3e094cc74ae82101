namespace XeroSync.XeroSimulator.Auth;

/// <summary>An issued refresh token; after use it keeps returning <see cref="RotatedTo"/> during the grace period.</summary>
internal sealed class RefreshGrant(string token, DateTimeOffset issuedAt, IReadOnlyList<string> tenantIds, string scope)
{
    public string Token { get; } = token;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    public IReadOnlyList<string> TenantIds { get; } = tenantIds;

    public string Scope { get; } = scope;

    public bool Revoked { get; set; }

    public DateTimeOffset? RotatedAt { get; set; }

    public TokenPair? RotatedTo { get; set; }
}
