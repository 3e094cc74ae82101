using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace XeroSync.XeroSimulator.Auth;

/// <summary>Xero identity: client_credentials, authorization_code with PKCE, rotating refresh tokens with a 30 minute grace.</summary>
internal sealed class TokenService
{
    public const string GrantClientCredentials = "client_credentials";
    public const string GrantAuthorizationCode = "authorization_code";
    public const string GrantRefreshToken = "refresh_token";

    private static readonly TimeSpan AccessLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan RefreshGrace = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan RefreshUnusedExpiry = TimeSpan.FromDays(60);
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);
    private const string DefaultScope = "accounting.transactions.read accounting.contacts.read accounting.settings.read accounting.journals.read accounting.budgets.read offline_access";

    private readonly Lock _lock = new();
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyList<string> _allTenantIds;
    private readonly IReadOnlyList<string> _customTenantIds;
    private readonly Dictionary<string, AccessGrant> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> _refresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuthorizationCodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);

    public TokenService(SimulatorOptions options, IReadOnlyList<SimulatedTenant> tenants)
    {
        _options = options;
        _clock = options.Clock;
        _allTenantIds = [.. tenants.Select(t => t.TenantId)];
        _customTenantIds = [.. _allTenantIds.Take(options.CustomConnectionTenants ?? _allTenantIds.Count)];
    }

    public bool IsClient(string? clientId, string? clientSecret) =>
        string.Equals(clientId, _options.ClientId, StringComparison.Ordinal) && string.Equals(clientSecret, _options.ClientSecret, StringComparison.Ordinal);

    public int Calls(string grantType)
    {
        lock (_lock)
        {
            return _calls.GetValueOrDefault(grantType);
        }
    }

    public void CountCall(string grantType)
    {
        lock (_lock)
        {
            _calls[grantType] = _calls.GetValueOrDefault(grantType) + 1;
        }
    }

    public TokenOutcome ClientCredentials()
    {
        lock (_lock)
        {
            return TokenOutcome.Ok(IssueAccess(_customTenantIds, isCustom: true, refreshToken: null, _options.CustomConnectionScope));
        }
    }

    public string Authorize(string redirectUri, string? codeChallenge, string? scope)
    {
        var code = NewToken();
        lock (_lock)
        {
            _codes[code] = new AuthorizationCodeGrant(code, redirectUri, codeChallenge, string.IsNullOrWhiteSpace(scope) ? DefaultScope : scope, _clock.GetUtcNow() + CodeLifetime);
        }

        return code;
    }

    public TokenOutcome RedeemCode(string? code, string? redirectUri, string? codeVerifier)
    {
        lock (_lock)
        {
            if (code is null || !_codes.Remove(code, out var grant) || grant.ExpiresAt < _clock.GetUtcNow())
            {
                return TokenOutcome.Fail("invalid_grant");
            }

            if (!string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal))
            {
                return TokenOutcome.Fail("invalid_grant");
            }

            if (grant.CodeChallenge is not null && (codeVerifier is null || !string.Equals(Challenge(codeVerifier), grant.CodeChallenge, StringComparison.Ordinal)))
            {
                return TokenOutcome.Fail("invalid_grant");
            }

            if (RefusedScope(grant.Scope))
            {
                return TokenOutcome.Fail("invalid_scope");
            }

            return TokenOutcome.Ok(IssuePair(_allTenantIds, grant.Scope));
        }
    }

    /// <summary>
    /// Takes a scope away from every token, those issued and those to come (the organisation's admin changed the app's
    /// access): a request that needs it gets 401 insufficient_scope from now on.
    /// </summary>
    public void WithdrawScope(string scope)
    {
        lock (_lock)
        {
            _withdrawn.Add(scope);
        }
    }

    /// <summary>The scopes the grant holds now (its own, less any withdrawn since).</summary>
    public IReadOnlySet<string> ScopesOf(AccessGrant grant)
    {
        lock (_lock)
        {
            return grant.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !_withdrawn.Contains(s)).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>What a new app (or one without Journals approval) may not ask for: broad scopes, accounting.journals.read.</summary>
    private bool RefusedScope(string scope)
    {
        var asked = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (_options.NewApp && asked.Any(ScopeTable.Deprecated.Contains))
            || (!_options.JournalsScopeApproved && asked.Contains(ScopeTable.Journals, StringComparer.Ordinal));
    }

    public TokenOutcome Refresh(string? token)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (token is null || !_refresh.TryGetValue(token, out var grant) || grant.Revoked || now - grant.IssuedAt > RefreshUnusedExpiry)
            {
                return TokenOutcome.Fail("invalid_grant");
            }

            if (grant.RotatedAt is { } rotatedAt)
            {
                return now - rotatedAt <= RefreshGrace && grant.RotatedTo is { } again ? TokenOutcome.Ok(again) : TokenOutcome.Fail("invalid_grant");
            }

            var pair = IssuePair(grant.TenantIds, grant.Scope);
            grant.RotatedAt = now;
            grant.RotatedTo = pair;
            return TokenOutcome.Ok(pair);
        }
    }

    public string IssueRefreshToken(IReadOnlyList<string> tenantIds, string? scope = null)
    {
        lock (_lock)
        {
            var token = NewToken();
            _refresh[token] = new RefreshGrant(token, _clock.GetUtcNow(), tenantIds.Count == 0 ? _allTenantIds : tenantIds, string.IsNullOrWhiteSpace(scope) ? DefaultScope : scope);
            return token;
        }
    }

    public AccessCheck Validate(string? authorization)
    {
        const string prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return new AccessCheck(null, "TokenInvalid: no bearer token was supplied");
        }

        var token = authorization[prefix.Length..].Trim();
        lock (_lock)
        {
            if (!_access.TryGetValue(token, out var grant))
            {
                return new AccessCheck(null, "TokenInvalid: the token is not recognised");
            }

            var now = _clock.GetUtcNow();
            if (grant.RevokedAt is { } revokedAt)
            {
                return new AccessCheck(null, "TokenExpired: token expired at " + Format(revokedAt));
            }

            return grant.ExpiresAt <= now ? new AccessCheck(null, "TokenExpired: token expired at " + Format(grant.ExpiresAt)) : new AccessCheck(grant, null);
        }
    }

    /// <summary>Every access token issued so far stops working (401 TokenExpired); refresh tokens and the client's credentials still work.</summary>
    public void RevokeAccessTokens()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            foreach (var grant in _access.Values)
            {
                grant.RevokedAt ??= now;
            }
        }
    }

    public void RevokeAll()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            foreach (var grant in _access.Values)
            {
                grant.RevokedAt ??= now;
            }

            foreach (var grant in _refresh.Values)
            {
                grant.Revoked = true;
            }
        }
    }

    public static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private TokenPair IssuePair(IReadOnlyList<string> tenantIds, string scope)
    {
        var refresh = NewToken();
        _refresh[refresh] = new RefreshGrant(refresh, _clock.GetUtcNow(), tenantIds, scope);
        return IssueAccess(tenantIds, isCustom: false, refresh, scope);
    }

    private TokenPair IssueAccess(IReadOnlyList<string> tenantIds, bool isCustom, string? refreshToken, string scope)
    {
        var token = NewToken();
        var granted = string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !_withdrawn.Contains(s)));
        _access[token] = new AccessGrant(token, _clock.GetUtcNow() + AccessLifetime, tenantIds, isCustom, granted);
        return new TokenPair(token, refreshToken, (int)AccessLifetime.TotalSeconds, granted);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
