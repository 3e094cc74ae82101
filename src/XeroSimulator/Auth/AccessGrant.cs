namespace XeroSync.XeroSimulator.Auth;

/// <summary>An issued access token, the tenants it may read and its space-separated scopes.</summary>
internal sealed record AccessGrant(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> TenantIds, bool IsCustomConnection, string Scope)
{
    public DateTimeOffset? RevokedAt { get; set; }

    public bool HasScope(string scope) =>
        Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}
