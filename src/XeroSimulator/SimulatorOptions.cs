namespace XeroSync.XeroSimulator;

/// <summary>Everything that determines the simulated organisations and the simulator's behaviour.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The simulator clock (API time, token expiry, rate-limit windows, change ticks).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public int Seed { get; init; } = 1;

    public int Tenants { get; init; } = 1;

    /// <summary>Multiplies the base record counts (at least one record per endpoint with a non-zero base count).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>The organisations' creation epoch; change ticks start here. Default: the clock's now when the state is created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Deterministic changes applied per simulated minute after <see cref="CreatedAt"/>; 0 disables.</summary>
    public int ChangesPerMinute { get; init; } = 10;

    public string ClientId { get; init; } = "demo-client-id";

    public string ClientSecret { get; init; } = "demo-client-secret";

    /// <summary>How many tenants (the first N) a client_credentials (custom connection) token sees; null = all.</summary>
    public int? CustomConnectionTenants { get; init; }

    /// <summary>Gzip responses when the client asks (Accept-Encoding), as Xero does; false answers uncompressed whatever is asked.</summary>
    public bool CompressResponses { get; init; } = true;

    public int PerMinuteLimit { get; init; } = 60;

    public int ConcurrentLimit { get; init; } = 5;

    public int DailyLimit { get; init; } = 5000;

    public int AppPerMinuteLimit { get; init; } = 10000;

    /// <summary>False: no tenant may read Journals (401 AuthorizationUnsuccessful).</summary>
    public bool JournalsEntitled { get; init; } = true;

    /// <summary>Zero-based tenant indexes without journal access (when <see cref="JournalsEntitled"/> is true).</summary>
    public IReadOnlyCollection<int> TenantsWithoutJournals { get; init; } = [];

    /// <summary>
    /// Endpoints Xero no longer serves (e.g. ExpenseClaims, Receipts after their 2027 retirement): answered with
    /// 410 Gone. Change at runtime with <see cref="SimulatorState.SetRetiredEndpoints"/> or POST /_sim/retired.
    /// </summary>
    public IReadOnlyCollection<string> RetiredEndpoints { get; init; } = [];

    /// <summary>Faults active from the start; change at runtime with <see cref="SimulatorState.SetFaults"/>.</summary>
    public SimulatorFaults Faults { get; init; } = SimulatorFaults.None;

    /// <summary>How the organisations behave while read (page caps, order, scheduled changes); change at runtime with <see cref="SimulatorState.SetBehaviour"/>.</summary>
    public SimulatorBehaviour Behaviour { get; init; } = SimulatorBehaviour.Default;

    /// <summary>The scopes a client_credentials (custom connection) token carries.</summary>
    public string CustomConnectionScope { get; init; } = "accounting.transactions.read accounting.contacts.read accounting.settings.read accounting.journals.read accounting.budgets.read accounting.reports.read";

    /// <summary>
    /// An app created from 2 March 2026: asking for a broad scope (accounting.transactions(.read), accounting.reports.read)
    /// fails the token exchange with <c>invalid_scope</c>, and every endpoint checks its scope (<see cref="EnforceScopes"/>).
    /// </summary>
    public bool NewApp { get; init; }

    /// <summary>Xero approved the app for accounting.journals.read (Advanced tier); false: asking for it fails the token exchange with <c>invalid_scope</c>.</summary>
    public bool JournalsScopeApproved { get; init; } = true;

    /// <summary>Every endpoint answers 401 insufficient_scope (AuthorizationUnsuccessful) to a token without its scope.</summary>
    public bool EnforceScopes { get; init; }

    /// <summary>Listen address for <see cref="XeroSimulatorHost"/>; port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:0";

    /// <summary>Writes ASP.NET Core logs (including requests) to the console; off by default.</summary>
    public bool ConsoleLogging { get; init; }

    public string ProviderName { get; init; } = "XeroSync Simulator";
}
