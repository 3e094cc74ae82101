using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// The Xero simulator plus a data folder that several simulated processes share: each
/// <see cref="CreateSource"/> gets its own SQLite database object and token store on the same files.
/// </summary>
internal sealed class OAuthHarness : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<IDisposable> _disposables = [];

    private OAuthHarness(XeroSimulatorHost host, XeroOptions options)
    {
        Host = host;
        Options = options;
        Http = new HttpClient();
    }

    public XeroSimulatorHost Host { get; }

    public XeroOptions Options { get; }

    public HttpClient Http { get; }

    public FakeLogCollector Logs { get; } = new();

    public string DataFolder => _temp.Path;

    /// <summary>Every token and secret the simulator handed out or the test seeded, for "never logged" checks.</summary>
    public HashSet<string> Secrets { get; } = new(StringComparer.Ordinal);

    public static async Task<OAuthHarness> StartAsync(TimeProvider clock, CancellationToken cancellationToken)
    {
        var simulator = new SimulatorOptions
        {
            Clock = clock,
            Tenants = 2,
            Scale = 0.01,
            ClientId = "oauth-test-client",
            ClientSecret = "client-secret-" + Guid.NewGuid().ToString("N"),
        };
        var host = await XeroSimulatorHost.StartAsync(simulator, cancellationToken);
        var options = new XeroOptions
        {
            ApiUrl = host.BaseUrl,
            IdentityUrl = host.BaseUrl,
            LoginUrl = host.BaseUrl,
            ClientId = simulator.ClientId,
            ClientSecret = simulator.ClientSecret,
            AttemptTimeout = TimeSpan.FromSeconds(30),
        };
        var harness = new OAuthHarness(host, options);
        harness.Secrets.Add(simulator.ClientSecret);
        return harness;
    }

    /// <summary>A refresh token for a new connection to every simulated tenant.</summary>
    public string IssueRefreshToken()
    {
        var token = Host.State.IssueRefreshToken();
        Secrets.Add(token);
        return token;
    }

    public FileTokenStore NewStore() => FileTokenStore.InDataFolder(DataFolder);

    /// <summary>One "process": its own SQLite database object, lease store and token store on the shared folder (or the given ones).</summary>
    public RefreshTokenSource CreateSource(
        TimeProvider time,
        string? seed = null,
        HttpMessageHandler? handler = null,
        ITokenStore? store = null,
        int maxSendAttempts = 3,
        ILeaseStore? leases = null,
        string connection = RefreshTokenSourceOptions.DefaultConnection,
        TimeSpan? leaseTtl = null)
    {
        var http = handler is null ? Http : new HttpClient(handler);
        if (handler is not null)
        {
            _disposables.Add(http);
        }

        leases ??= new SqliteLeaseStore(new SqliteStateDatabase(Path.Combine(DataFolder, SqliteStateDatabase.FileName)), time);
        var source = new RefreshTokenSource(
            http,
            Microsoft.Extensions.Options.Options.Create(Options),
            new RefreshTokenSourceOptions
            {
                Connection = connection,
                SeedRefreshToken = seed,
                LeasePollInterval = TimeSpan.FromMilliseconds(5),
                LeaseWait = TimeSpan.FromSeconds(30),
                LeaseTtl = leaseTtl ?? TimeSpan.FromMinutes(3),
                MaxSendAttempts = maxSendAttempts,
            },
            store ?? NewStore(),
            leases,
            time,
            new FakeLogger<RefreshTokenSource>(Logs))
        {
            RetryDelay = TimeSpan.Zero,
        };
        _disposables.Add(source);
        return source;
    }

    /// <summary>Adds the tokens currently stored to <see cref="Secrets"/>.</summary>
    public async Task CollectStoredSecretsAsync(CancellationToken cancellationToken)
    {
        if (await NewStore().ReadAsync(RefreshTokenSourceOptions.DefaultConnection, cancellationToken) is { } stored)
        {
            foreach (var value in new[] { stored.RefreshToken, stored.PreviousRefreshToken, stored.AccessToken })
            {
                if (value is not null)
                {
                    Secrets.Add(value);
                }
            }
        }
    }

    /// <summary>Everything the loggers captured: messages, structured values and exceptions with their inner ones.</summary>
    public string AllLogText() => string.Join(
        Environment.NewLine,
        Logs.GetSnapshot().Select(r => string.Join(
            " | ",
            r.Level,
            r.Message,
            string.Join(",", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []),
            r.Exception?.ToString() ?? string.Empty)));

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        Http.Dispose();
        await Host.DisposeAsync();
        _temp.Dispose();
    }
}
