using XeroSync.Tests.Google;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Dispatcher;
using XeroSync.Dispatcher.Routes;
using XeroSync.Google;
using XeroSync.Google.PubSub;
using XeroSync.Ledger;
using XeroSync.Security;
using XeroSync.Worker;
using XeroSync.Worker.Routes;
using XeroSync.XeroSimulator;
using XeroSync.Tests.Gcs;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape in one process, each part over real HTTP: the Xero simulator, the Pub/Sub and Firestore
/// emulators, a fake Cloud Storage that sends Eventarc-style finalize events, a fake BigQuery that really loads,
/// and the Worker and Dispatcher as Kestrel services composed exactly as their Program.cs does, configured through
/// an environment function. Pub/Sub names and Firestore collections are unique per instance.
/// </summary>
internal sealed class CloudEnvironment : IAsyncDisposable
{
    public const string Bucket = "xerosync-e2e-landing";

    private readonly List<WebApplication> _services = [];
    private readonly List<string> _topics = [];
    private readonly List<string> _subscriptions = [];
    // As long as Cloud Scheduler waits for an attempt (its 180 s attempt deadline): POST /reconcile plans the whole
    // reconcile inside the request, which on a loaded 2-core machine took longer than a minute.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(175) };
    private bool _duplicateDeliveries;
    private bool _deadLetterToWorker;
    private Func<HttpRequestMessage, bool>? _failXeroRequest;
    private SecretManagerStandIn? _secrets;
    private SecretManagerStandIn? _webhookSecret;
    private int _dispatchers = 1;
    private TimeProvider? _clock;
    private readonly List<Uri> _dispatcherUris = [];
    private Uri? _externalWorker;
    private bool _pullDriven;
    private PullPushDriver? _driver;
    private int? _attemptTimeoutSeconds;
    private int _pushDeadlineSeconds = 180;
    private string? _firestoreHost;
    private Action<string, WebApplicationBuilder>? _configureService;
    private Func<string, string, string?, string?>? _rewriteVariable;
    private readonly System.Collections.Concurrent.ConcurrentQueue<PushDelivery> _pushDeliveries = new();
    private readonly SemaphoreSlim _pushArrived = new(0);

    private CloudEnvironment(GoogleEmulators emulators, string id, XeroSimulatorHost simulator, FakeGcsServer gcs, FakeBigQueryServer bigQuery, PubSubClient pubSub)
    {
        Emulators = emulators;
        Id = id;
        Simulator = simulator;
        Gcs = gcs;
        BigQuery = bigQuery;
        PubSub = pubSub;
    }

    public GoogleEmulators Emulators { get; }

    public string Id { get; }

    public string Topic => "fetch-requests-" + Id;

    public string DeadLetterTopic => "fetch-dead-" + Id;

    public string DeadLetterPull => "fetch-dead-pull-" + Id;

    public XeroSimulatorHost Simulator { get; }

    public SimulatorState Truth => Simulator.State;

    public FakeGcsServer Gcs { get; }

    /// <summary>With <c>standardApp</c>: the Secret Manager stand-in holding the rotating refresh token.</summary>
    public SecretManagerStandIn Secrets => _secrets ?? throw new InvalidOperationException("Not a standard-app environment.");

    /// <summary>With <c>webhookKey</c>: the Secret Manager stand-in holding the webhook key, as an operator stores it.</summary>
    public SecretManagerStandIn WebhookSecret => _webhookSecret ?? throw new InvalidOperationException("No webhook key in this environment.");

    public FakeBigQueryServer BigQuery { get; }

    public PubSubClient PubSub { get; }

    public Uri WorkerUri { get; private set; } = new("http://127.0.0.1/");

    public Uri DispatcherUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Every Dispatcher instance (<c>dispatchers</c>), the first is <see cref="DispatcherUri"/>.</summary>
    public IReadOnlyList<Uri> DispatcherUris => _dispatcherUris;

    /// <summary>Every name <see cref="Variable"/> answers: the environment a Worker or Dispatcher process is given.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
    [
        "GOOGLE_CLOUD_PROJECT", "CLIENT_NAME", "XEROSYNC_BUCKET", "XEROSYNC_TOPIC", "XEROSYNC_FIRESTORE_PREFIX", "XEROSYNC_PUSH_DEADLINE_SECONDS",
        "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_API_URL", "XERO_IDENTITY_URL", "PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST",
        "STORAGE_EMULATOR_HOST", "BIGQUERY_EMULATOR_HOST", "XEROSYNC_REFRESH_TOKEN_SECRET", "SECRETMANAGER_EMULATOR_HOST",
        "XERO_ATTEMPT_TIMEOUT_SECONDS", "XEROSYNC_WEBHOOK_KEY_SECRET",
    ];

    /// <summary>
    /// With <c>duplicateDeliveries</c>: every push the in-process Worker received on /pubsub (which subscription, which
    /// message), recorded before the Worker reads it: the proof that each message really came twice.
    /// </summary>
    public IReadOnlyList<PushDelivery> PushDeliveries => [.. _pushDeliveries];

    /// <summary>The fetch subscription's dead-letter policy, as the tests create it: a message is delivered this many times, then dead-lettered.</summary>
    public const int FetchDeliveryAttempts = 5;

    /// <summary>With <c>pullDriven</c>: every push the pull driver made (each attempt, acknowledged or not).</summary>
    public int DriverDeliveries => _driver?.Deliveries ?? 0;

    /// <summary>With <c>pullDriven</c>: every delivery the test's driver made of the fetch subscription's messages.</summary>
    public IReadOnlyList<PulledDelivery> DriverDelivered => _driver?.Delivered ?? [];

    /// <summary>The run ledger, as the Dispatcher sees it (the same Firestore collections every Worker uses).</summary>
    public IRunLedger Ledger => _services[^1].Services.GetRequiredService<IRunLedger>();

    /// <param name="duplicateDeliveries">Deliver every Pub/Sub message and every finalize event twice, concurrently
    /// (a second push subscription on the topic to the same Worker, and Eventarc duplicates). Twice the deliveries wait
    /// for the same permits, so the push deadline must leave a delivery more than a rate-limit minute (180 s, the
    /// shortest the services accept, leaves 90 s).</param>
    /// <param name="externalWorker">Where the push subscription and finalize events go instead of an in-process Worker
    /// (a forwarder in front of Worker processes the test starts itself with <see cref="Variable"/>); none is started here.</param>
    /// <param name="pushDeadlineSeconds">The push subscriptions' ack deadline and XEROSYNC_PUSH_DEADLINE_SECONDS (default 180, the shortest the services accept: a 90 s delivery budget).</param>
    /// <param name="attemptTimeoutSeconds">XERO_ATTEMPT_TIMEOUT_SECONDS for the services (null: unset, the 60 s default).</param>
    /// <param name="pullDriven">The fetch subscription is a pull subscription (same ack deadline, retry and dead-letter
    /// policies) whose messages a <see cref="PullPushDriver"/> pushes to the Worker as the emulator would: for tests that
    /// need a message nacked five times (the emulator's own push stops redelivering after three failures).</param>
    /// <param name="firestoreHost">FIRESTORE_EMULATOR_HOST for the services instead of the emulator's own (e.g. a
    /// counting proxy in front of it, as bench/ uses to count document writes).</param>
    /// <param name="configureService">Called with "worker" or "dispatcher" and the service's builder after the service's own
    /// composition (e.g. a log collector, whose filters are the service's; or a handler on every HttpClient).</param>
    /// <param name="rewriteVariable">Rewrites what <see cref="Variable"/> answers for the in-process services ("worker" or
    /// "dispatcher", name, value -> value), e.g. an emulator host pointed at a recording proxy of that service's own.</param>
    /// <param name="duplicateFinalizeEvents">Deliver every finalize event twice, concurrently (Eventarc is at-least-once).</param>
    /// <param name="webhookKey">Xero's webhook key, stored as deployed: a version of a secret in a Secret Manager stand-in
    /// that XEROSYNC_WEBHOOK_KEY_SECRET names (not with <c>standardApp</c>, whose stand-in holds the refresh token).</param>
    /// <param name="dispatchers">Dispatcher instances to start over the same configuration (Cloud Run scaled out);
    /// <c>configureService</c> is called with "dispatcher" for the first and "dispatcher-2" ... for the others.</param>
    /// <param name="clock">The clock of the simulator and of the in-process services (their <see cref="TimeProvider"/>), so a
    /// test can move the whole world's time on together (e.g. an <see cref="AdjustableTimeProvider"/>); default the system clock.</param>
    public static async Task<CloudEnvironment> StartAsync(GoogleEmulators emulators, CancellationToken cancellationToken, Func<SimulatorOptions, SimulatorOptions>? configure = null, bool duplicateDeliveries = false, bool duplicateFinalizeEvents = false, Func<HttpRequestMessage, bool>? failXeroRequest = null, bool deadLetterToWorker = false, Uri? externalWorker = null, bool standardApp = false, int? attemptTimeoutSeconds = null, int pushDeadlineSeconds = 180, bool pullDriven = false, string? firestoreHost = null, Action<string, WebApplicationBuilder>? configureService = null, Func<string, string, string?, string?>? rewriteVariable = null, string? webhookKey = null, int dispatchers = 1, TimeProvider? clock = null)
    {
        if (standardApp && webhookKey is not null)
        {
            throw new NotSupportedException("One Secret Manager stand-in per environment: standardApp or webhookKey.");
        }

        emulators.Require();
        var id = Guid.NewGuid().ToString("N")[..10];
        var options = new SimulatorOptions { Seed = 23, Tenants = 2, ChangesPerMinute = 0, Scale = 0.1, Clock = clock ?? TimeProvider.System };
        var simulator = await XeroSimulatorHost.StartAsync(configure?.Invoke(options) ?? options, cancellationToken);
        var gcs = await FakeGcsServer.StartAsync(Bucket);
        var bigQuery = await FakeBigQueryServer.StartAsync(gcs, Bucket);
        var pubSub = new PubSubClient(
            new HttpClient(new GoogleAuthHandler(new GoogleEndpoint(GoogleService.PubSub, GoogleEndpoint.ParseHost(emulators.PubSubHost!), IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() }),
            new GoogleClientOptions(GoogleEmulators.ProjectId, GoogleEndpoint.ParseHost(emulators.PubSubHost!)),
            NullLogger<PubSubClient>.Instance);
        var environment = new CloudEnvironment(emulators, id, simulator, gcs, bigQuery, pubSub) { _duplicateDeliveries = duplicateDeliveries, _failXeroRequest = failXeroRequest, _deadLetterToWorker = deadLetterToWorker, _externalWorker = externalWorker, _attemptTimeoutSeconds = attemptTimeoutSeconds, _pushDeadlineSeconds = pushDeadlineSeconds, _pullDriven = pullDriven, _firestoreHost = firestoreHost, _configureService = configureService, _rewriteVariable = rewriteVariable, _dispatchers = dispatchers, _clock = clock };
        if (standardApp)
        {
            // A standard app: the services refresh a rotating token kept in Secret Manager (an in-test stand-in that
            // checks every request's shape), seeded as `connect --secret` leaves it: a token for every organisation.
            environment._secrets = await SecretManagerStandIn.StartAsync("xero-refresh-" + id, TimeProvider.System);
            environment._secrets.Seed(simulator.State.IssueRefreshToken([.. simulator.State.Tenants.Select(t => t.TenantId)]));
        }

        if (webhookKey is not null)
        {
            // As an operator stores it after registering the webhook: `gcloud secrets versions add CLIENT-xero-webhook-key`.
            environment._webhookSecret = await SecretManagerStandIn.StartAsync("xero-webhook-key-" + id, TimeProvider.System);
            environment._webhookSecret.Seed(webhookKey);
        }

        gcs.FinalizeCopies = duplicateDeliveries || duplicateFinalizeEvents ? 2 : 1;
        try
        {
            await environment.StartServicesAsync(cancellationToken);
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }

        return environment;
    }

    private string? ServiceVariable(string service, string name) => _rewriteVariable is { } rewrite ? rewrite(service, name, Variable(name)) : Variable(name);

    public string? Variable(string name) => name switch
    {
        "GOOGLE_CLOUD_PROJECT" => GoogleEmulators.ProjectId,
        "CLIENT_NAME" => "e2e",
        "XEROSYNC_BUCKET" => Bucket,
        "XEROSYNC_TOPIC" => Topic,
        "XEROSYNC_FIRESTORE_PREFIX" => "e2e_" + Id + "_",
        "XEROSYNC_PUSH_DEADLINE_SECONDS" => _pushDeadlineSeconds.ToString(CultureInfo.InvariantCulture),
        "XEROSYNC_REFRESH_TOKEN_SECRET" => _secrets?.SecretName,
        "SECRETMANAGER_EMULATOR_HOST" => (_secrets ?? _webhookSecret)?.BaseUri.ToString(),
        "XEROSYNC_WEBHOOK_KEY_SECRET" => _webhookSecret?.SecretName,
        "XERO_CLIENT_ID" => Truth.Options.ClientId,
        "XERO_CLIENT_SECRET" => Truth.Options.ClientSecret,
        "XERO_API_URL" => Simulator.BaseUrl.ToString(),
        "XERO_IDENTITY_URL" => Simulator.BaseUrl.ToString(),
        "PUBSUB_EMULATOR_HOST" => Emulators.PubSubHost,
        "FIRESTORE_EMULATOR_HOST" => _firestoreHost ?? Emulators.FirestoreHost,
        "STORAGE_EMULATOR_HOST" => Gcs.BaseUri.ToString(),
        "BIGQUERY_EMULATOR_HOST" => BigQuery.BaseUri.ToString(),
        "XERO_ATTEMPT_TIMEOUT_SECONDS" => _attemptTimeoutSeconds?.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>
    /// Everything the dead-letter topic's pull subscription holds: drained (each batch acknowledged) until a pull finds
    /// nothing for 5 s. The emulator holds an empty pull open, and answers a pull with what it holds at that moment, so one
    /// pull can return part of what is there.
    /// </summary>
    public Task<List<PubSubReceivedMessage>> PullDeadLettersAsync(CancellationToken cancellationToken) => PullAllAsync(DeadLetterPull, cancellationToken);

    /// <summary>Drains a pull subscription (see <see cref="PullDeadLettersAsync"/>).</summary>
    public async Task<List<PubSubReceivedMessage>> PullAllAsync(string subscription, CancellationToken cancellationToken)
    {
        var all = new List<PubSubReceivedMessage>();
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            IReadOnlyList<PubSubReceivedMessage> batch;
            try
            {
                batch = await PubSub.PullAsync(subscription, 100, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return all;
            }

            if (batch.Count == 0)
            {
                return all;
            }

            all.AddRange(batch);
            await PubSub.AcknowledgeAsync(subscription, [.. batch.Select(m => m.AckId)], cancellationToken);
        }
    }

    /// <summary>POST /run on the Dispatcher; returns the run id.</summary>
    public async Task<string> StartRunAsync(CancellationToken cancellationToken, IReadOnlyList<string>? endpoints = null)
    {
        using var body = endpoints is null ? null : new StringContent(JsonSerializer.Serialize(new { endpoints }), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(DispatcherUri, "run"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /run: {(int)response.StatusCode} {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("run_id").GetString()!;
    }

    /// <summary>
    /// POST /reconcile on the Dispatcher (body: endpoints and call_budget); returns the run id. The Dispatcher accepts and
    /// enqueues: anything but 202 with the run's status route (body and Location) fails.
    /// </summary>
    public async Task<string> StartReconcileAsync(IReadOnlyList<string> endpoints, int callBudget, CancellationToken cancellationToken)
    {
        using var body = new StringContent(JsonSerializer.Serialize(new { endpoints, call_budget = callBudget }), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(DispatcherUri, "reconcile"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /reconcile: {(int)response.StatusCode} (expected 202) {text}");
        }

        using var json = JsonDocument.Parse(text);
        var runId = json.RootElement.GetProperty("run_id").GetString()!;
        var status = json.RootElement.GetProperty("status_url").GetString();
        if (status != "/runs/" + runId || response.Headers.Location?.OriginalString != status)
        {
            throw new InvalidOperationException($"POST /reconcile: 202 without the run's status route (status_url {status}, Location {response.Headers.Location}): {text}");
        }

        return runId;
    }

    /// <summary>POST /tie-out on the Dispatcher with <paramref name="body"/> (serialised as JSON): the status and the body text.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> StartTieOutAsync(object body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(DispatcherUri, "tie-out"), content, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public async Task<JsonDocument> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(DispatcherUri, "runs/" + runId), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /runs/{runId}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }

    /// <summary>GET /freshness on the Dispatcher.</summary>
    public async Task<JsonDocument> GetFreshnessAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(DispatcherUri, "freshness"), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /freshness: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }

    public async Task<string> RetryRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri(DispatcherUri, $"runs/{runId}/retry"), null, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /runs/{runId}/retry: {(int)response.StatusCode} {text}");
        }

        return text;
    }

    /// <summary>Polls GET /runs/{id} every 2 s (each poll is a ledger query; the Firestore emulator is the shared bottleneck) until its state is one of <paramref name="states"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForStateAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken, params string[] states)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var last = string.Empty;
        try
        {
            while (true)
            {
                using (var run = await GetRunAsync(runId, deadline.Token))
                {
                    last = run.RootElement.GetRawText();
                    if (states.Contains(run.RootElement.GetProperty("state").GetString()))
                    {
                        return run.RootElement.GetProperty("state").GetString()!;
                    }
                }

                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"run {runId} not {string.Join('/', states)} within {timeout}; last status: {last}; BigQuery problems: {string.Join("; ", BigQuery.Problems)}; {DescribeXeroTraffic()}");
        }
    }

    /// <summary>
    /// Waits, woken by each recorded push, until <paramref name="done"/> holds for <see cref="PushDeliveries"/>; false when
    /// <paramref name="timeout"/> passes first. A run can complete on one subscription's deliveries while the other's
    /// copies of its last messages are still queued behind deliveries that wait for permits.
    /// </summary>
    public async Task<bool> WaitForPushesAsync(Func<IReadOnlyList<PushDelivery>, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (!done(PushDeliveries))
            {
                await _pushArrived.WaitAsync(limit.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return done(PushDeliveries);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Subscriptions first: the emulator is shared by every test in the assembly, and a push subscription left
        // behind keeps redelivering its unacked messages to a Worker that is gone, taking the emulator's push
        // capacity from the tests still running.
        if (_driver is not null)
        {
            await _driver.DisposeAsync();
        }

        using (var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            foreach (var subscription in _subscriptions)
            {
                await DeleteQuietlyAsync(() => PubSub.DeleteSubscriptionAsync(subscription, cleanup.Token));
            }

            foreach (var topic in _topics)
            {
                await DeleteQuietlyAsync(() => PubSub.DeleteTopicAsync(topic, cleanup.Token));
            }
        }

        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.StopAsync();
            await service.DisposeAsync();
        }

        await Gcs.DisposeAsync();
        if (_secrets is not null)
        {
            await _secrets.DisposeAsync();
        }

        if (_webhookSecret is not null)
        {
            await _webhookSecret.DisposeAsync();
        }

        await BigQuery.DisposeAsync();
        await Simulator.DisposeAsync();
        _http.Dispose();
        _pushArrived.Dispose();
    }

    /// <summary>Answers 500 to the Worker's Xero requests <paramref name="fail"/> picks (while it does), without calling Xero.</summary>
    private sealed class FailingHandler(Func<HttpRequestMessage, bool> fail) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            fail(request)
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError) { RequestMessage = request, Content = new StringContent("{\"Title\":\"An error occurred\"}", System.Text.Encoding.UTF8, "application/json") })
                : base.SendAsync(request, cancellationToken);
    }

    /// <summary>What the simulator saw, for a timeout's message: whether deliveries were still reaching Xero at all.</summary>
    private string DescribeXeroTraffic()
    {
        var requests = Truth.Requests.ToList();
        var byOutcome = requests
            .GroupBy(r => $"{r.Endpoint ?? "-"} {r.StatusCode}{(r.Problem is null ? string.Empty : " " + r.Problem)}")
            .Select(g => $"{g.Key} x{g.Count()} (last {g.Max(r => r.Time):HH:mm:ss})");
        return $"simulator saw {requests.Count} requests: {string.Join(", ", byOutcome)}";
    }

    /// <summary>Records a wrapped push's subscription and message id, then hands the request on with its body intact.</summary>
    private async Task RecordPushAsync(Microsoft.AspNetCore.Http.HttpContext context, Func<Task> next)
    {
        if (context.Request.Path == "/pubsub" && Microsoft.AspNetCore.Http.HttpMethods.IsPost(context.Request.Method))
        {
            Microsoft.AspNetCore.Http.HttpRequestRewindExtensions.EnableBuffering(context.Request);
            try
            {
                using var push = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (push.RootElement.TryGetProperty("subscription", out var subscription) &&
                    push.RootElement.TryGetProperty("message", out var message) &&
                    message.TryGetProperty("messageId", out var messageId))
                {
                    _pushDeliveries.Enqueue(new PushDelivery(subscription.GetString() ?? string.Empty, messageId.GetString() ?? string.Empty));
                    _pushArrived.Release();
                }
            }
            catch (JsonException)
            {
                // Not a wrapped push: the Worker answers it as it would anyway.
            }

            context.Request.Body.Position = 0;
        }

        await next();
    }

    private async Task CreateTopicAsync(string topic, CancellationToken cancellationToken)
    {
        await PubSub.CreateTopicAsync(topic, cancellationToken);
        _topics.Add(topic);
    }

    private async Task CreateSubscriptionAsync(PubSubSubscriptionConfig config, CancellationToken cancellationToken)
    {
        await PubSub.CreateSubscriptionAsync(config, cancellationToken);
        _subscriptions.Add(config.Name);
    }

    private static async Task DeleteQuietlyAsync(Func<Task<bool>> delete)
    {
        try
        {
            await delete();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or GoogleApiException)
        {
            // Best effort: a leftover subscription costs the emulator work, not this test its result.
        }
    }

    /// <summary>With <c>clock</c>: the service's <see cref="TimeProvider"/> (registered after the service's own, so it is the one resolved).</summary>
    private void UseClock(WebApplicationBuilder service)
    {
        if (_clock is { } clock)
        {
            service.Services.AddSingleton(clock);
        }
    }

    private static ILoggingBuilder Quiet(ILoggingBuilder logging)
    {
        if (Environment.GetEnvironmentVariable("XEROSYNC_TEST_LOG") != "1")
        {
            logging.ClearProviders();
        }

        return logging;
    }

    private async Task StartServicesAsync(CancellationToken cancellationToken)
    {
        await CreateTopicAsync(Topic, cancellationToken);
        await CreateTopicAsync(DeadLetterTopic, cancellationToken);
        await CreateSubscriptionAsync(new PubSubSubscriptionConfig(DeadLetterPull, DeadLetterTopic), cancellationToken);

        if (_externalWorker is { } external)
        {
            WorkerUri = external;
        }
        else
        {
            var worker = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            worker.WebHost.UseUrls("http://127.0.0.1:0");
            worker.AddWorkerService(name => ServiceVariable("worker", name));
            UseClock(worker);
            if (_failXeroRequest is { } fail)
            {
                worker.Services.AddHttpClient("xero").AddHttpMessageHandler(() => new FailingHandler(fail));
            }
            Quiet(worker.Logging);
            _configureService?.Invoke("worker", worker);
            var workerApp = worker.Build();
            if (_duplicateDeliveries)
            {
                workerApp.Use(RecordPushAsync);
            }

            workerApp.UseOidcVerification();
            workerApp.MapWorkerEndpoints();
            await workerApp.StartAsync(cancellationToken);
            _services.Add(workerApp);
            WorkerUri = new Uri(workerApp.Urls.First().TrimEnd('/') + "/");
        }

        Gcs.FinalizeTarget = new Uri(WorkerUri, "events");

        await CreateSubscriptionAsync(
            new PubSubSubscriptionConfig("fetch-push-" + Id, Topic)
            {
                PushEndpoint = _pullDriven ? null : new Uri(WorkerUri, "pubsub"),
                AckDeadlineSeconds = _pushDeadlineSeconds,
                MinimumBackoff = TimeSpan.FromSeconds(1),
                MaximumBackoff = TimeSpan.FromSeconds(2),
                DeadLetterTopic = DeadLetterTopic,
                MaxDeliveryAttempts = FetchDeliveryAttempts,
            },
            cancellationToken);
        if (_pullDriven)
        {
            _driver = new PullPushDriver(PubSub, Emulators.PubSubHost!, "fetch-push-" + Id, WorkerUri);
            _driver.Start();
        }

        if (_deadLetterToWorker)
        {
            // The dead-letter topic pushed back to the Worker: it records the page as failed (the attribute
            // CloudPubSubDeadLetterSourceDeliveryCount marks a dead-lettered message).
            await CreateSubscriptionAsync(
                new PubSubSubscriptionConfig("fetch-dead-push-" + Id, DeadLetterTopic) { PushEndpoint = new Uri(WorkerUri, "pubsub"), AckDeadlineSeconds = _pushDeadlineSeconds },
                cancellationToken);
        }

        if (_duplicateDeliveries)
        {
            await CreateSubscriptionAsync(
                new PubSubSubscriptionConfig("fetch-push-copy-" + Id, Topic)
                {
                    PushEndpoint = new Uri(WorkerUri, "pubsub"),
                    AckDeadlineSeconds = _pushDeadlineSeconds,
                    MinimumBackoff = TimeSpan.FromSeconds(1),
                    MaximumBackoff = TimeSpan.FromSeconds(2),
                },
                cancellationToken);
        }

        for (var instance = 1; instance <= _dispatchers; instance++)
        {
            var name = instance == 1 ? "dispatcher" : "dispatcher-" + instance.ToString(CultureInfo.InvariantCulture);
            var dispatcher = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            dispatcher.WebHost.UseUrls("http://127.0.0.1:0");
            dispatcher.AddDispatcherService(variable => ServiceVariable("dispatcher", variable));
            UseClock(dispatcher);
            Quiet(dispatcher.Logging);
            _configureService?.Invoke(name, dispatcher);
            var dispatcherApp = dispatcher.Build();
            dispatcherApp.UseOidcVerification();
            dispatcherApp.MapDispatcherEndpoints();
            dispatcherApp.MapWebhookEndpoints();
            await dispatcherApp.StartAsync(cancellationToken);
            _services.Add(dispatcherApp);
            _dispatcherUris.Add(new Uri(dispatcherApp.Urls.First().TrimEnd('/') + "/"));
        }

        DispatcherUri = _dispatcherUris[0];
    }
}
