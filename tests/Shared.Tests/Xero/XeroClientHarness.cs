using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using XeroSync.Ledger.Local;
using XeroSync.RateLimiting;
using XeroSync.Tests.RateLimiting;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Xero;

/// <summary>A XeroApiClient with its own token source and in-process limiter, against a simulator on a fake clock.</summary>
internal sealed class XeroClientHarness : IAsyncDisposable
{
    private readonly TempDirectory _state = new();
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly bool _ownsSimulator;

    /// <summary>One HTTP attempt's timeout, long enough that a timer this long is never a wait the harness steps the clock for.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(10);

    private XeroClientHarness(XeroSimulatorHost simulator, ParkingClock clock, RateLimitOptions limits, int maxRetries, bool ownsSimulator = true)
    {
        _ownsSimulator = ownsSimulator;
        Simulator = simulator;
        Clock = clock;
        var options = Options.Create(new XeroOptions
        {
            ApiUrl = simulator.BaseUrl,
            IdentityUrl = simulator.BaseUrl,
            ClientId = simulator.State.Options.ClientId,
            ClientSecret = simulator.State.Options.ClientSecret,
            RetryBaseDelay = TimeSpan.Zero,
            MaxRetries = maxRetries,
            AttemptTimeout = AttemptTimeout,
        });
        Tokens = new ClientCredentialsTokenSource(_http, options, clock, NullLogger<ClientCredentialsTokenSource>.Instance);
        Limiter = new InProcessRateLimiter(Options.Create(limits), SqliteStateDatabase.InFolder(_state.Path), clock, NullLogger<InProcessRateLimiter>.Instance);
        Client = new XeroApiClient(_http, Tokens, Limiter, options, clock, NullLogger<XeroApiClient>.Instance);
    }

    /// <summary>A second client (another process) on the same simulator: its own token and limiter.</summary>
    public XeroClientHarness WithFreshLimiter() => new(Simulator, Clock, new RateLimitOptions(), 5, ownsSimulator: false);

    public XeroSimulatorHost Simulator { get; }

    public SimulatorState State => Simulator.State;

    public ParkingClock Clock { get; }

    public ClientCredentialsTokenSource Tokens { get; }

    public InProcessRateLimiter Limiter { get; }

    public XeroApiClient Client { get; }

    public string Tenant(int index = 0) => State.Tenants[index].TenantId;

    public static async Task<XeroClientHarness> StartAsync(Func<SimulatorOptions, SimulatorOptions>? configure = null, Action<RateLimitOptions>? limits = null, int maxRetries = 5)
    {
        var clock = new ParkingClock(Start);
        var options = new SimulatorOptions { Clock = clock, Tenants = 2, Scale = 0.05, CreatedAt = Start, ChangesPerMinute = 0 };
        var simulator = await XeroSimulatorHost.StartAsync(configure?.Invoke(options) ?? options, TestContext.Current.CancellationToken);
        var limitOptions = new RateLimitOptions();
        limits?.Invoke(limitOptions);
        return new XeroClientHarness(simulator, clock, limitOptions, maxRetries);
    }

    public PageQuery Query(string endpoint, int tenant = 0, int page = 1, TimeSpan? maxWait = null, DateTimeOffset? since = null) =>
        new(Tenant(tenant), EndpointCatalog.Get(endpoint), page, null, since, maxWait is { } wait ? Clock.GetUtcNow() + wait : null);

    /// <summary>Fetches a page, moving the fake clock to each wait the call (or the simulator serving it) parks on.</summary>
    public Task<XeroPage> DriveAsync(PageQuery query) => DriveAsync(Client.GetPageAsync(query, TestContext.Current.CancellationToken));

    /// <summary>Waits for the clock's signal that something (the simulator answering slowly, a back-off) parked on it.</summary>
    public Task<DateTimeOffset> NextWaitAsync() => Clock.NextWaitAsync(AttemptTimeout, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

    /// <summary>
    /// Starts a fetch that Xero is expected to reject first, and moves the fake clock only once the simulator has
    /// answered that 429: stepping it earlier (while a loaded machine is slow to deliver the request) could reset the
    /// very window the test is about.
    /// </summary>
    public async Task<XeroPage> DriveThroughRejectionAsync(PageQuery query)
    {
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLogged(SimulatedRequest request)
        {
            if (request.StatusCode == 429)
            {
                rejected.TrySetResult();
            }
        }

        State.RequestLogged += OnLogged;
        try
        {
            var fetch = Client.GetPageAsync(query, TestContext.Current.CancellationToken);
            await Task.WhenAny(rejected.Task, fetch).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return await DriveAsync(fetch);
        }
        finally
        {
            State.RequestLogged -= OnLogged;
        }
    }

    /// <summary>
    /// Waits for a fetch already under way: each time a wait is started on the clock (the clock's signal, not a poll), the
    /// clock moves to the instant it is due; each signal is bounded in real time.
    /// </summary>
    public async Task<XeroPage> DriveAsync(Task<XeroPage> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        while (!task.IsCompleted)
        {
            var wait = NextWaitAsync();
            await Task.WhenAny(task, wait).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            if (!task.IsCompleted && await wait is var due && due > Clock.GetUtcNow())
            {
                Clock.Advance(due - Clock.GetUtcNow());
            }
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        Limiter.Dispose();
        _state.Dispose();
        Tokens.Dispose();
        _http.Dispose();
        if (_ownsSimulator)
        {
            await Simulator.DisposeAsync();
        }
    }
}

/// <summary>Answers every request from a function; records the requests.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return Task.FromResult(respond(request));
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
}

internal sealed class StaticTokens : IAccessTokenSource
{
    public int Calls { get; private set; }

    public ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        Calls++;
        return ValueTask.FromResult("token");
    }
}
