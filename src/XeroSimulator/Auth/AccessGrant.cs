namespace XeroSync.XeroSimulator.Auth;

/// <summary>An issued access token and the tenants it may read.</summary>
internal sealed record AccessGrant(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> TenantIds, bool IsCustomConnection)
{
    public DateTimeOffset? RevokedAt { get; set; }
}
