using System.Text;
using XeroSync.XeroSimulator.Api;
using XeroSync.XeroSimulator.Auth;
using XeroSync.XeroSimulator.Behaviour;
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
    private readonly Lock _changesLock = new();
    private readonly List<AppliedChange> _changes = [];
    private readonly ChangeSchedule _schedule;
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
        _schedule = new ChangeSchedule(options.Behaviour);
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

    /// <summary>Every endpoint with the paging rules the simulator applies to it.</summary>
    public IReadOnlyList<SimulatedEndpoint> EndpointRules { get; } = [.. EndpointCatalog.All.Select(d => new SimulatedEndpoint(
        d.Name,
        d.Paging switch
        {
            PagingMode.PageAndSize => "page+size",
            PagingMode.PageOnly => "page",
            PagingMode.Offset => "offset",
            _ => "none",
        },
        d.Paging switch
        {
            PagingMode.PageAndSize => CollectionQuery.MaxPageSize,
            PagingMode.None => 0,
            _ => CollectionQuery.FixedPageSize,
        },
        d.SupportsIfModifiedSince))];

    public IReadOnlyList<SimulatedRequest> Requests => _log.Snapshot();

    public SimulatorFaults Faults => FaultInjector.Current;

    /// <summary>Page-size cap, default order, scheduled changes and the budgets scope check now in force.</summary>
    public SimulatorBehaviour Behaviour => _schedule.Current;

    /// <summary>Sends webhooks for the changes made from now on, once <see cref="StartWebhooks"/> named a receiver.</summary>
    public Webhooks.WebhookSender? Webhooks { get; private set; }

    /// <summary>
    /// Starts sending Xero's webhooks to <paramref name="url"/> signed with <paramref name="key"/> (the intent-to-receive
    /// requests first), for every change made from now on. The host stops the sender when it is disposed. The events are
    /// numbered from one past <paramref name="lastSequence"/> (the subscription's numbering so far, as Xero keeps it), and
    /// <paramref name="numbered"/> is told each last number taken before its payload is sent.
    /// </summary>
    public Webhooks.WebhookSender StartWebhooks(Uri url, string key, long lastSequence = 0, Func<long, CancellationToken, Task>? numbered = null)
    {
        if (Webhooks is not null)
        {
            throw new InvalidOperationException("Webhooks are already being sent.");
        }

        Webhooks = new Webhooks.WebhookSender(url, key, Clock, lastSequence, numbered);
        return Webhooks;
    }

    /// <summary>Every change applied so far (scheduled or through <see cref="ApplyChange"/>), oldest first.</summary>
    public IReadOnlyList<AppliedChange> Changes
    {
        get
        {
            lock (_changesLock)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>
    /// Awaited for every API call the rate limiter accepted, before it is served (the call holds its in-flight
    /// slot meanwhile): lets a test see a call in flight and hold it there. The token is the request's abort.
    /// </summary>
    public Func<SimulatedArrival, CancellationToken, ValueTask>? OnServing { get; set; }

    /// <summary>Raised after each request has been answered and logged (on the request's thread: keep handlers short).</summary>
    public event Action<SimulatedRequest>? RequestLogged;

    /// <summary>Calls to POST /connect/token with grant_type=client_credentials (including failed ones).</summary>
    public int ClientCredentialsTokenCalls => Tokens.Calls(TokenService.GrantClientCredentials);

    public int AuthorizationCodeTokenCalls => Tokens.Calls(TokenService.GrantAuthorizationCode);

    public int RefreshTokenCalls => Tokens.Calls(TokenService.GrantRefreshToken);

    internal RateLimiter Limiter { get; }

    internal TokenService Tokens { get; }

    internal FaultInjector FaultInjector { get; }

    /// <summary>Token calls for a grant type ("client_credentials", "authorization_code", "refresh_token").</summary>
    public int TokenCalls(string grantType) => Tokens.Calls(grantType);

    /// <summary>
    /// Every record the list call would serve at the clock's now (paged form: invoices with line items, archived contacts and
    /// invoices, deleted transfers; budgets without their lines), keyed by id. Hard-deleted records are absent.
    /// </summary>
    public IReadOnlyDictionary<string, string> GetRecords(string tenantId, string endpoint)
    {
        var definition = EndpointCatalog.Get(endpoint);
        return Organisation(tenantId).Read(Clock.GetUtcNow(), definition.Name, c =>
            (IReadOnlyDictionary<string, string>)c.Records.ToDictionary(r => r.Id, r => Encoding.UTF8.GetString(r.ListJson(definition.DetailOnlyArray)), StringComparer.Ordinal));
    }

    /// <summary>Every record as GET /{endpoint}/{id} serves it (budgets with BudgetLines, contact groups with their Contacts), keyed by id.</summary>
    public IReadOnlyDictionary<string, string> GetRecordDetails(string tenantId, string endpoint)
    {
        var definition = EndpointCatalog.Get(endpoint);
        var organisation = Organisation(tenantId);
        return organisation.Read(Clock.GetUtcNow(), definition.Name, c =>
            (IReadOnlyDictionary<string, string>)c.Records.ToDictionary(r => r.Id, r => Encoding.UTF8.GetString(DetailJson(organisation, c, r)), StringComparer.Ordinal));
    }

    /// <summary>The ids of every record (hidden statuses included) in the order a list call without <c>order</c> returns them now.</summary>
    public IReadOnlyList<string> ListedIds(string tenantId, string endpoint)
    {
        var definition = EndpointCatalog.Get(endpoint);
        var order = Behaviour.DefaultOrder;
        return Organisation(tenantId).Read(Clock.GetUtcNow(), definition.Name, c => (IReadOnlyList<string>)[.. c.InDefaultOrder(order).Select(r => r.Id)]);
    }

    /// <summary>Ids of the records deleted so far (hard deletes, which no call returns, and soft ones with status DELETED).</summary>
    public IReadOnlySet<string> DeletedIds(string tenantId, string endpoint, bool hardOnly = false)
    {
        var definition = EndpointCatalog.Get(endpoint);
        var tenant = RequireTenant(tenantId);
        return Changes
            .Where(c => c.Kind == ChangeKind.Delete && c.TenantId == tenant.TenantId && c.Endpoint == definition.Name && (c.HardDelete || !hardOnly))
            .Select(c => c.RecordId)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Changes one record now (or inserts one): the target is <paramref name="recordId"/>, else the record at
    /// <paramref name="position"/> in the default list order, else one picked from the seed. Throws
    /// <see cref="ArgumentException"/> for a change Xero does not offer on the endpoint (see <see cref="ChangeKind"/>).
    /// </summary>
    public AppliedChange ApplyChange(string tenantId, string endpoint, ChangeKind kind, string? recordId = null, int? position = null) =>
        Apply(RequireTenant(tenantId), EndpointCatalog.Get(endpoint).Name, kind, recordId, position, scheduled: false);

    public void SetBehaviour(SimulatorBehaviour behaviour) => _schedule.Set(behaviour);

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

    /// <summary>Logged requests that got the injected fault (a <see cref="SimulatedFault"/> value).</summary>
    public int Faulted(string fault) => _log.Snapshot().Count(r => r.Fault == fault);

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

    /// <summary>Takes <paramref name="scope"/> away from every token, issued or to come (401 insufficient_scope where it is needed).</summary>
    public void WithdrawScope(string scope) => Tokens.WithdrawScope(scope);

    /// <summary>Issues a refresh token for a standard-app connection to the given tenants (all tenants when none given).</summary>
    public string IssueRefreshToken(params string[] tenantIds) => Tokens.IssueRefreshToken(tenantIds);

    /// <summary>Issues a refresh token with the given space-separated scopes (e.g. without accounting.budgets.read).</summary>
    public string IssueRefreshTokenWithScope(string scope, params string[] tenantIds) => Tokens.IssueRefreshToken(tenantIds, scope);

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

    internal void Log(SimulatedRequest request)
    {
        _log.Add(request);
        RequestLogged?.Invoke(request);
    }

    /// <summary>Counts a served request and applies the scheduled changes it makes due, before the next request is served.</summary>
    internal void OnServed(SimulatedTenant tenant, string endpoint)
    {
        foreach (var change in _schedule.OnServed(tenant.Index, endpoint))
        {
            Apply(tenant, EndpointCatalog.Get(change.Endpoint).Name, change.Kind, change.RecordId, change.Position, scheduled: true);
        }
    }

    /// <summary>The record as GET /{endpoint}/{id} serves it; unit amounts rounded to 2 dp unless <paramref name="fourDecimals"/>.</summary>
    internal static byte[] DetailJson(TenantOrganisation organisation, RecordCollection collection, StoredRecord record, bool fourDecimals = true) =>
        collection.Definition.Name == "ContactGroups" ? organisation.ContactGroupDetail(record) : record.FullJson(fourDecimals);

    private AppliedChange Apply(SimulatedTenant tenant, string endpoint, ChangeKind kind, string? recordId, int? position, bool scheduled)
    {
        var applied = Organisation(tenant).Apply(Clock.GetUtcNow(), endpoint, kind, recordId, position, Behaviour.DefaultOrder, scheduled);
        lock (_changesLock)
        {
            _changes.Add(applied);
        }

        Webhooks?.Enqueue(applied);
        return applied;
    }

    private TenantOrganisation Organisation(string tenantId) => Organisation(RequireTenant(tenantId));

    private SimulatedTenant RequireTenant(string tenantId) =>
        TryGetTenant(tenantId, out var tenant) ? tenant : throw new ArgumentException($"Unknown tenant '{tenantId}'.", nameof(tenantId));

    private int SumOverTenants(string? tenantId, Func<int, int> count) =>
        tenantId is null ? Tenants.Sum(t => count(t.Index)) : count(RequireTenant(tenantId).Index);
}
