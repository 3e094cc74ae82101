using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Google;
using XeroSync.Google.BigQuery;
using XeroSync.Google.Firestore;
using XeroSync.Google.PubSub;
using XeroSync.Google.SecretManager;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Messaging;
using XeroSync.Messaging.PubSub;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.RateLimiting.Firestore;
using XeroSync.Storage;
using XeroSync.Storage.Gcs;
using XeroSync.TieOut;
using XeroSync.Warehouse;
using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;

namespace XeroSync.Configuration;

/// <summary>
/// The cloud shape's composition, shared by the Dispatcher and Worker services: Pub/Sub, Firestore,
/// Cloud Storage and BigQuery adapters behind the same ports the local shape fills with stand-ins.
/// Configuration is read from the environment and validated here, at start.
/// </summary>
public static class CloudPipelineExtensions
{
    public static IServiceCollection AddCloudPipeline(this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);
        var cloud = CloudOptions.FromEnvironment(environment);
        var xero = ReadXero(environment);
        var collectionPrefix = environment("XEROSYNC_FIRESTORE_PREFIX") ?? string.Empty;
        var refreshTokenSecret = ReadRefreshTokenSecret(environment);
        var pipeline = new PipelineOptions { DeliveryBudget = cloud.DeliveryBudget };
        if (pipeline.ReadEnvironment(environment) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Invalid pipeline configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(cloud);
        services.AddSingleton(Options.Create(xero));
        services.AddSingleton(Options.Create(new RateLimitOptions()));
        services.AddSingleton(Options.Create(pipeline));
        services.AddGoogleRestClients(cloud.ProjectId, environment);

        services.AddSingleton<IObjectStore>(_ => GcsObjectStore.Create(cloud.Bucket, environment("STORAGE_EMULATOR_HOST")));
        services.AddSingleton<IRunLedger>(sp => new FirestoreRunLedger(sp.GetRequiredService<FirestoreClient>(), sp.GetRequiredService<TimeProvider>(), collectionPrefix));
        services.AddSingleton<IWatermarkStore>(sp => new FirestoreWatermarkStore(sp.GetRequiredService<FirestoreClient>(), collectionPrefix));
        services.AddSingleton<IFreshnessStore>(sp => new FirestoreFreshnessStore(sp.GetRequiredService<FirestoreClient>(), collectionPrefix));
        services.AddSingleton<IWebhookStateStore>(sp => new FirestoreWebhookStateStore(sp.GetRequiredService<FirestoreClient>(), sp.GetRequiredService<TimeProvider>(), collectionPrefix));
        services.AddSingleton<ILeaseStore>(sp => new FirestoreLeaseStore(sp.GetRequiredService<FirestoreClient>(), sp.GetRequiredService<TimeProvider>(), collectionPrefix));
        services.AddSingleton<IRateLimiter>(sp => new FirestoreRateLimiter(
            sp.GetRequiredService<FirestoreClient>(),
            sp.GetRequiredService<IOptions<RateLimitOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FirestoreRateLimiter>>(),
            collectionPrefix));
        services.AddSingleton(sp => new PubSubFetchPublisher(sp.GetRequiredService<PubSubClient>(), cloud.Topic, sp.GetRequiredService<ILogger<PubSubFetchPublisher>>()));
        services.AddSingleton<IFetchRequestPublisher>(sp => sp.GetRequiredService<PubSubFetchPublisher>());
        services.AddSingleton(sp => new BigQueryWarehouse(
            sp.GetRequiredService<BigQueryClient>(),
            new BigQueryWarehouseOptions(cloud.ProjectId, cloud.Bucket) { RawDataset = cloud.RawDataset, ViewsDataset = cloud.ViewDataset, TypedDataset = cloud.TypedDataset, Location = cloud.Location },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BigQueryWarehouse>>()));
        services.AddSingleton<IWarehouse>(sp => sp.GetRequiredService<BigQueryWarehouse>());
        services.AddSingleton<IJournalTotalsSource>(sp => sp.GetRequiredService<BigQueryWarehouse>());
        services.AddSingleton<ITieOutStore>(sp => sp.GetRequiredService<BigQueryWarehouse>());

        services.AddHttpClient("xero")
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The Xero client decodes bodies itself, so it can count the bytes Xero sent before decoding (egress).
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        if (refreshTokenSecret is null)
        {
            // A custom connection: client_credentials, one organisation.
            services.AddSingleton<IAccessTokenSource>(sp => new ClientCredentialsTokenSource(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient("xero"),
                sp.GetRequiredService<IOptions<XeroOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ClientCredentialsTokenSource>>()));
        }
        else
        {
            // A standard app: the rotating refresh token lives in Secret Manager; one refresher per
            // connection across all instances (Firestore lease xero-refresh:{secret id}).
            var connection = SecretManagerTokenStore.SecretId(refreshTokenSecret);
            services.AddSingleton<ITokenStore>(sp => new SecretManagerTokenStore(
                sp.GetRequiredService<SecretManagerClient>(),
                refreshTokenSecret,
                connection,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SecretManagerTokenStore>>()));
            services.AddSingleton<IAccessTokenSource>(sp => new RefreshTokenSource(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient("xero"),
                sp.GetRequiredService<IOptions<XeroOptions>>(),
                new RefreshTokenSourceOptions { Connection = connection },
                sp.GetRequiredService<ITokenStore>(),
                sp.GetRequiredService<ILeaseStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RefreshTokenSource>>()));
        }
        services.AddSingleton(sp => new XeroApiClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("xero"),
            sp.GetRequiredService<IAccessTokenSource>(),
            sp.GetRequiredService<IRateLimiter>(),
            sp.GetRequiredService<IOptions<XeroOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<XeroApiClient>>()));

        services.AddSingleton<ManifestWriter>();
        services.AddSingleton<EndpointVerifier>();
        services.AddSingleton<EndpointCoordinator>();
        services.AddSingleton<FetchRequestHandler>();
        services.AddSingleton<DeletionSweeper>();
        services.AddSingleton<FreshnessRecorder>();
        services.AddSingleton<ManifestLoader>();
        services.AddSingleton<RunStarter>();
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<EgressBudget>();
        services.AddSingleton<ReconcileStarter>();
        services.AddSingleton<TieOutRunner>();
        services.AddSingleton<RunRetrier>();
        services.AddSingleton<PoisonRecorder>();
        return services;
    }

    /// <summary>
    /// <c>XEROSYNC_REFRESH_TOKEN_SECRET</c>: the Secret Manager secret (<c>projects/P/secrets/S</c> or an id in
    /// this project) holding a standard app's rotating refresh token; null (unset or empty) for a custom connection.
    /// </summary>
    public static string? ReadRefreshTokenSecret(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = environment("XEROSYNC_REFRESH_TOKEN_SECRET");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return SecretManagerTokenStore.IsValidSecret(value)
            ? value
            : throw new InvalidOperationException(
                $"Invalid configuration:{Environment.NewLine}  XEROSYNC_REFRESH_TOKEN_SECRET '{Identifiers.Printable(value)}' is invalid: a secret id or projects/PROJECT/secrets/SECRET.");
    }

    /// <summary>Xero settings from <c>XERO_*</c> variables (on Cloud Run the secrets arrive as env vars from Secret Manager), <c>XERO_ATTEMPT_TIMEOUT_SECONDS</c> included.</summary>
    public static XeroOptions ReadXero(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new XeroOptions
        {
            ClientId = environment("XERO_CLIENT_ID"),
            ClientSecret = environment("XERO_CLIENT_SECRET"),
        };
        if (environment("XERO_API_URL") is { Length: > 0 } api)
        {
            options.ApiUrl = new Uri(api.TrimEnd('/') + "/");
        }

        if (environment("XERO_IDENTITY_URL") is { Length: > 0 } identity)
        {
            options.IdentityUrl = new Uri(identity.TrimEnd('/') + "/");
        }

        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();
        if (options.ReadAttemptTimeout(environment) is { } attemptTimeout)
        {
            problems.Add(attemptTimeout);
        }

        if (!options.HasClientCredentials)
        {
            problems.Add("XERO_CLIENT_ID and XERO_CLIENT_SECRET must be set (the Xero app's credentials: a custom connection, or a standard app with XEROSYNC_REFRESH_TOKEN_SECRET).");
        }

        return problems.Count == 0
            ? options
            : throw new InvalidOperationException("Invalid Xero configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
    }
}
