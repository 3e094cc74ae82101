using System.Text;
using XeroSync.XeroSimulator.Auth;
using XeroSync.XeroSimulator.Data;
using XeroSync.XeroSimulator.Faults;
using XeroSync.XeroSimulator.Limits;
using XeroSync.XeroSimulator.State;

namespace XeroSync.XeroSimulator;

/// <summary>
/// The simulated world: tenants and their records (ground truth), tokens, rate limits, faults and the request log.
/// Usable without HTTP (construct it directly) or through <see cref="XeroSimulatorHost.State"/>.
/// </summary>
public sealed class SimulatorState
{
    private readonly Lazy<TenantOrganisation>[] _organisations;
    private readonly Dictionary<string, SimulatedTenant> _tenantsById;
    private readonly RequestLog _log = new();
    private volatile HashSet<string> _retired;

    public SimulatorState(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Tenants, 1);
        Options = options;
        CreatedAt = options.CreatedAt ?? options.Clock.GetUtcNow();
        var tenants = new List<SimulatedTenant>();
        for (var i = 0; i < options.Tenants; i++)
        {
            var id = new Random(Determinism.Mix(options.Seed, i, 0x7E4A47)).NextGuid().ToString();
            tenants.Add(new SimulatedTenant(id, $"Demo Company {i + 1:00}", i));
        }

        Tenants = tenants;
        _tenantsById = tenants.ToDictionary(t => t.TenantId, StringComparer.OrdinalIgnoreCase);
        _organisations = [.. tenants.Select(t => new Lazy<TenantOrganisation>(() => new TenantOrganisation(options, t, CreatedAt), LazyThreadSafetyMode.ExecutionAndPublication))];
        Limiter = new RateLimiter(options);
        Tokens = new TokenService(options, tenants);
        FaultInjector = new FaultInjector(options.Seed, options.Faults);
        _retired = RetiredSet(options.RetiredEndpoints);
    }

    /// <summary>The endpoints currently answered with 410 Gone.</summary>
    public IReadOnlySet<string> RetiredEndpoints => _retired;

    public SimulatorOptions Options { get; }

    public TimeProvider Clock => Options.Clock;

    /// <summary>The organisations' creation epoch (options.CreatedAt or the clock's now at construction).</summary>
    public DateTimeOffset CreatedAt { get; }

    public IReadOnlyList<SimulatedTenant> Tenants { get; }

    /// <summary>Endpoint names served under /api.xro/2.0/ (e.g. "Invoices", "Organisation").</summary>
    public IReadOnlyList<string> Endpoints { get; } = [.. EndpointCatalog.All.Select(d => d.Name)];

    public IReadOnlyList<SimulatedRequest> Requests => _log.Snapshot();

    public SimulatorFaults Faults => FaultInjector.Current;

    /// <summary>Calls to POST /connect/token with grant_type=client_credentials (including failed ones).</summary>
    public int ClientCredentialsTokenCalls => Tokens.Calls(TokenService.GrantClientCredentials);

    public int AuthorizationCodeTokenCalls => Tokens.Calls(TokenService.GrantAuthorizationCode);

    public int RefreshTokenCalls => Tokens.Calls(TokenService.GrantRefreshToken);

    internal RateLimiter Limiter { get; }

    internal TokenService Tokens { get; }

    internal FaultInjector FaultInjector { get; }

    /// <summary>Token calls for a grant type ("client_credentials", "authorization_code", "refresh_token").</summary>
    public int TokenCalls(string grantType) => Tokens.Calls(grantType);

    /// <summary>Every record the API would serve at the clock's now (paged form: invoices with line items, archived contacts, deleted transfers), keyed by id.</summary>
    public IReadOnlyDictionary<string, string> GetRecords(string tenantId, string endpoint)
    {
        var definition = EndpointCatalog.Get(endpoint);
        return Organisation(tenantId).Read(Clock.GetUtcNow(), definition.Name, c =>
            (IReadOnlyDictionary<string, string>)c.Records.ToDictionary(r => r.Id, r => Encoding.UTF8.GetString(r.Json), StringComparer.Ordinal));
    }

    /// <summary>All records of the endpoint (including archived/deleted) at the clock's now.</summary>
    public int Count(string tenantId, string endpoint)
    {
        var definition = EndpointCatalog.Get(endpoint);
        return Organisation(tenantId).Read(Clock.GetUtcNow(), definition.Name, c => c.Records.Count);
    }

    /// <summary>
    /// Records whose If-Modified-Since field (UpdatedDateUTC; CreatedDateUTC for BankTransfers and Journals) is at or after
    /// <paramref name="since"/> truncated to the second, including archived/deleted ones. Endpoints without If-Modified-Since
    /// support return <see cref="Count"/> (the API ignores the header there).
    /// </summary>
    public int CountModifiedSince(string tenantId, string endpoint, DateTimeOffset since)
    {
        var definition = EndpointCatalog.Get(endpoint);
        var sinceMs = since.ToUnixTimeSeconds() * 1000;
        return Organisation(tenantId).Read(Clock.GetUtcNow(), definition.Name, c =>
            definition.SupportsIfModifiedSince ? c.Records.Count(r => r.TimestampMs >= sinceMs) : c.Records.Count);
    }

    /// <summary>API calls the rate limiter accepted (all tenants when null).</summary>
    public int ApiCalls(string? tenantId = null) => SumOverTenants(tenantId, Limiter.Accepted);

    /// <summary>429 responses; <paramref name="problem"/> narrows to one <see cref="RateLimitProblem"/> value.</summary>
    public int Throttled(string? tenantId = null, string? problem = null) => SumOverTenants(tenantId, i => Limiter.Rejected(i, problem));

    public int MaxConcurrency(string tenantId) => Limiter.MaxConcurrency(RequireTenant(tenantId).Index);

    /// <summary>Clears the request log and the accepted/throttled/max-concurrency statistics (not the rate-limit windows).</summary>
    public void ResetRequestLog()
    {
        _log.Clear();
        Limiter.ResetStatistics();
    }

    public void SetFaults(SimulatorFaults faults) => FaultInjector.Set(faults);

    /// <summary>Retires exactly these endpoints from now on (an empty list serves every endpoint again).</summary>
    public void SetRetiredEndpoints(IEnumerable<string> endpoints) => _retired = RetiredSet(endpoints);

    public bool IsRetired(string endpoint) => _retired.Contains(endpoint);

    private static HashSet<string> RetiredSet(IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in endpoints)
        {
            set.Add(EndpointCatalog.Get(name).Name);
        }

        return set;
    }

    /// <summary>Revokes every access and refresh token issued so far (API → 401, refresh → invalid_grant).</summary>
    public void RevokeTokens() => Tokens.RevokeAll();

    /// <summary>Issues a refresh token for a standard-app connection to the given tenants (all tenants when none given).</summary>
    public string IssueRefreshToken(params string[] tenantIds) => Tokens.IssueRefreshToken(tenantIds);

    public bool TryGetTenant(string? tenantId, out SimulatedTenant tenant)
    {
        if (tenantId is not null && _tenantsById.TryGetValue(tenantId, out var found))
        {
            tenant = found;
            return true;
        }

        tenant = null!;
        return false;
    }

    /// <summary>Whether the tenant may read Journals.</summary>
    public bool IsJournalsEntitled(int tenantIndex) => Options.JournalsEntitled && !Options.TenantsWithoutJournals.Contains(tenantIndex);

    internal TenantOrganisation Organisation(SimulatedTenant tenant) => _organisations[tenant.Index].Value;

    internal void Log(SimulatedRequest request) => _log.Add(request);

    private TenantOrganisation Organisation(string tenantId) => Organisation(RequireTenant(tenantId));

    private SimulatedTenant RequireTenant(string tenantId) =>
        TryGetTenant(tenantId, out var tenant) ? tenant : throw new ArgumentException($"Unknown tenant '{tenantId}'.", nameof(tenantId));

    private int SumOverTenants(string? tenantId, Func<int, int> count) =>
        tenantId is null ? Tenants.Sum(t => count(t.Index)) : count(RequireTenant(tenantId).Index);
}
