using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.Storage;
using XeroSync.TieOut;
using XeroSync.Warehouse.Local;
using XeroSync.Xero;

namespace XeroSync.Cli.Local;

/// <summary>
/// The local shape in one process: the same Dispatcher and Worker steps as the cloud, on embedded
/// stand-ins (in-process queues with Pub/Sub semantics, a folder, SQLite state, DuckDB).
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly IAccessTokenSource _tokens;
    private readonly InProcessRateLimiter _limiter;
    private readonly DuckDbWarehouse _warehouse;
    private readonly InProcessQueue<FetchRequest> _fetchQueue;
    private readonly InProcessQueue<ObjectFinalized> _loadQueue;
    private readonly FetchRequestHandler _fetchHandler;
    private readonly ManifestLoader _loader;
    private readonly RunStarter _starter;
    private readonly RunRetrier _retrier;
    private readonly ReconcileStarter _reconciler;
    private readonly UsageRecorder _usage;
    private readonly XeroApiClient _xero;
    private readonly TimeProvider _time;

    public LocalPipeline(LocalPipelineSettings settings, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        Settings = settings;
        _time = time;
        Directory.CreateDirectory(settings.DataDirectory);
        var state = SqliteStateDatabase.InFolder(settings.DataDirectory);
        Ledger = new SqliteRunLedger(state, time);
        Watermarks = new SqliteWatermarkStore(state);
        Leases = new SqliteLeaseStore(state, time);
        Freshness = new SqliteFreshnessStore(state);
        WebhookState = new SqliteWebhookStateStore(state, time);

        _fetchQueue = new InProcessQueue<FetchRequest>("fetch", settings.Queue, PipelineJsonContext.Default.FetchRequest, settings.DeadLetterDirectory, time, loggers.CreateLogger("XeroSync.Queue.Fetch"));
        _loadQueue = new InProcessQueue<ObjectFinalized>("load", new InProcessQueueOptions { Concurrency = 1, MaxDeliveryAttempts = settings.Queue.MaxDeliveryAttempts, MinimumBackoff = settings.Queue.MinimumBackoff, MaximumBackoff = settings.Queue.MaximumBackoff, DeliveriesPerMessage = settings.Queue.DeliveriesPerMessage }, LocalMessagesJsonContext.Default.ObjectFinalized, settings.DeadLetterDirectory, time, loggers.CreateLogger("XeroSync.Queue.Load"));
        Objects = new FolderObjectStore(settings.ObjectsDirectory, OnObjectCreatedAsync);
        _warehouse = new DuckDbWarehouse(settings.WarehousePath, Objects, time, loggers.CreateLogger<DuckDbWarehouse>());

        var xeroOptions = Options.Create(settings.Xero);
        _http = new HttpClient(new SocketsHttpHandler
        {
            // The Xero client decodes bodies itself, so it can count the bytes Xero sent before decoding (egress).
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("xerosync/1.0");
        _tokens = XeroTokenSources.Create(_http, settings.Xero, settings.DataDirectory, Leases, loggers, time);
        _limiter = new InProcessRateLimiter(Options.Create(settings.RateLimits), state, time, loggers.CreateLogger<InProcessRateLimiter>());
        var xero = new XeroApiClient(_http, _tokens, _limiter, xeroOptions, time, loggers.CreateLogger<XeroApiClient>());
        _xero = xero;
        var publisher = new InProcessFetchPublisher(_fetchQueue);
        var pipelineOptions = Options.Create(settings.Pipeline);
        var manifests = new ManifestWriter(Ledger, Objects);
        var verifier = new EndpointVerifier(Ledger, publisher, pipelineOptions, loggers.CreateLogger<EndpointVerifier>());
        var sweeper = new DeletionSweeper(Objects, _warehouse, Ledger, time, loggers.CreateLogger<DeletionSweeper>());
        var coordinator = new EndpointCoordinator(Ledger, manifests, verifier, Watermarks, sweeper, pipelineOptions);
        _fetchHandler = new FetchRequestHandler(xero, Ledger, Objects, publisher, coordinator, Watermarks, pipelineOptions, time, loggers.CreateLogger<FetchRequestHandler>());
        var freshness = new FreshnessRecorder(Freshness, time, loggers.CreateLogger<FreshnessRecorder>());
        _loader = new ManifestLoader(Objects, _warehouse, Ledger, coordinator, freshness, loggers.CreateLogger<ManifestLoader>());
        Egress = new EgressBudget(Ledger, pipelineOptions, time, loggers.CreateLogger<EgressBudget>());
        _reconciler = new ReconcileStarter(xero, Ledger, _warehouse, publisher, coordinator, Egress, pipelineOptions, time, loggers.CreateLogger<ReconcileStarter>());
        _usage = new UsageRecorder(Ledger, Objects, _warehouse, time, loggers.CreateLogger<UsageRecorder>());
        _starter = new RunStarter(xero, Ledger, Watermarks, publisher, _warehouse, coordinator, Egress, time, loggers.CreateLogger<RunStarter>());
        TargetedRuns = new TargetedRunStarter(xero, Ledger, publisher, freshness, time, loggers.CreateLogger<TargetedRunStarter>());
        _retrier = new RunRetrier(Ledger, Watermarks, publisher, coordinator, _loader, pipelineOptions, time, loggers.CreateLogger<RunRetrier>());

        _fetchQueue.OnDeadLettered = (request, reason, ct) => _fetchHandler.MarkUndeliveredAsync(request, reason, ct);
        _fetchQueue.Start((message, ct) => _fetchHandler.HandleAsync(message.Body, ct));
        _loadQueue.Start((message, ct) => _loader.HandleAsync(message.Body.Name, ct));
    }

    public LocalPipelineSettings Settings { get; }

    /// <summary>The monthly egress budgets: reconciles and full syncs plan within them; a sync's summary reports a budget its month went over.</summary>
    public EgressBudget Egress { get; }

    /// <summary>Opens targeted runs (records named by webhook events); the queues take them from there.</summary>
    public TargetedRunStarter TargetedRuns { get; }

    /// <summary>Opens sync runs without waiting for them (a lost webhook event's incremental).</summary>
    public RunStarter Runs => _starter;

    /// <summary>Creates the warehouse's tables and views if absent (before anything is loaded outside a sync).</summary>
    public Task EnsureWarehouseAsync(CancellationToken cancellationToken) => _warehouse.EnsureTablesAsync(EndpointCatalog.Tables, cancellationToken);

    public IRunLedger Ledger { get; }

    public IWatermarkStore Watermarks { get; }

    /// <summary>Webhook freshness per (organisation, endpoint): last change seen, last landed, event-to-landed latency.</summary>
    public IFreshnessStore Freshness { get; }

    public IWebhookStateStore WebhookState { get; }

    public SqliteLeaseStore Leases { get; }

    public IObjectStore Objects { get; }

    /// <summary>Raised after each object is created (page or manifest): progress hooks and crash tests.</summary>
    public event Action<string>? ObjectCreated;

    public int DeadLettered => _fetchQueue.DeadLettered + _loadQueue.DeadLettered;

    public int Poisoned => _fetchQueue.Poisoned + _loadQueue.Poisoned;

    /// <summary>Opens a run and publishes its first messages; the queues take it from there.</summary>
    public async Task<StartedRun> StartRunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        await _warehouse.EnsureTablesAsync(EndpointCatalog.Tables, cancellationToken);
        return await _starter.StartAsync(request, cancellationToken);
    }

    /// <summary>Plans and opens a reconcile (ID sweep and full refresh within each organisation's budget) and publishes it.</summary>
    public async Task<StartedReconcile> StartReconcileAsync(RunRequest request, CancellationToken cancellationToken)
    {
        await _warehouse.EnsureTablesAsync(EndpointCatalog.All, cancellationToken);
        return await _reconciler.StartAsync(request, cancellationToken);
    }

    /// <summary>Puts a finished run's Xero usage into the warehouse (<c>xero.api_usage</c>); false while it is still running.</summary>
    public Task<bool> RecordUsageAsync(string runId, CancellationToken cancellationToken) => _usage.RecordAsync(runId, cancellationToken);

    /// <summary>Starts a reconcile and waits until all its work is done.</summary>
    public async Task<StartedReconcile> ReconcileAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var started = await StartReconcileAsync(request, cancellationToken);
        await WaitForIdleAsync(cancellationToken);
        await RecordUsageAsync(started.Run.RunId, cancellationToken);
        return started;
    }

    /// <summary>Republishes a run's failed and deferred pages; <see cref="WaitForIdleAsync"/> then waits for them.</summary>
    public async Task<RetryResult> RetryAsync(string runId, CancellationToken cancellationToken)
    {
        await _warehouse.EnsureTablesAsync(EndpointCatalog.Tables, cancellationToken);
        return await _retrier.RetryAsync(runId, cancellationToken);
    }

    /// <summary>Completes when every fetch and every load the run caused has been handled.</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        // ForceYielding: a cancellation raised on a queue consumer must not run the caller's continuation
        // (which may dispose the queues) inline on that consumer.
        do
        {
            await _fetchQueue.WaitForIdleAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            await _loadQueue.WaitForIdleAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        while (!_fetchQueue.WaitForIdleAsync(cancellationToken).IsCompleted);

        if ((_fetchQueue.Fault ?? _loadQueue.Fault) is { } fault)
        {
            throw new InvalidOperationException("A queue consumer failed unexpectedly.", fault);
        }
    }

    /// <summary>Starts a run and waits until all its work is done.</summary>
    public async Task<StartedRun> SyncAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var started = await StartRunAsync(request, cancellationToken);
        await WaitForIdleAsync(cancellationToken);
        await RecordUsageAsync(started.Run.RunId, cancellationToken);
        return started;
    }

    /// <summary>
    /// The tie-out of each organisation at each of <paramref name="dates"/> (<see cref="TieOutRunner"/>: both reports, under
    /// the same rate limiter as the sync, each check kept in the warehouse).
    /// </summary>
    public async Task<IReadOnlyList<TieOutResult>> TieOutAsync(IReadOnlyList<XeroConnection> tenants, IReadOnlyList<DateOnly> dates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(dates);
        await _warehouse.EnsureTablesAsync(EndpointCatalog.Tables, cancellationToken);
        return await new TieOutRunner(_xero, _warehouse, _warehouse, _time).RunAsync([.. tenants.Select(t => (t.TenantId, t.TenantName))], dates, null, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _fetchQueue.DisposeAsync();
        await _loadQueue.DisposeAsync();
        await _warehouse.DisposeAsync();
        _limiter.Dispose();
        (_tokens as IDisposable)?.Dispose();
        _http.Dispose();
    }

    private async ValueTask OnObjectCreatedAsync(string name, CancellationToken cancellationToken)
    {
        ObjectCreated?.Invoke(name);
        if (ObjectNames.IsManifest(name))
        {
            await _loadQueue.PublishAsync([new ObjectFinalized(name)], cancellationToken);
        }
    }
}
