using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using XeroSync.Google.BigQuery;
using XeroSync.Google.Firestore;
using XeroSync.Google.PubSub;
using XeroSync.Google.SecretManager;

namespace XeroSync.Google;

/// <summary>Registers the Google REST clients as typed HTTP clients (IHttpClientFactory), endpoints from the environment.</summary>
public static class GoogleServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PubSubClient"/>, <see cref="FirestoreClient"/>, <see cref="SecretManagerClient"/> and
    /// <see cref="BigQueryClient"/> for <paramref name="projectId"/>. Each base URL comes from its <c>*_EMULATOR_HOST</c>
    /// variable when set (no credentials), else production with ADC tokens. <paramref name="getVariable"/> overrides the environment.
    /// </summary>
    public static IServiceCollection AddGoogleRestClients(this IServiceCollection services, string projectId, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectId);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GoogleAccessTokenSource>();

        Register(services, GoogleService.PubSub, projectId, getVariable, (http, options, sp) =>
            new PubSubClient(http, options, sp.GetRequiredService<ILogger<PubSubClient>>()));
        Register(services, GoogleService.Firestore, projectId, getVariable, (http, options, sp) =>
            new FirestoreClient(http, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FirestoreClient>>()));
        Register(services, GoogleService.SecretManager, projectId, getVariable, (http, options, sp) =>
            new SecretManagerClient(http, options, sp.GetRequiredService<ILogger<SecretManagerClient>>()));
        Register(services, GoogleService.BigQuery, projectId, getVariable, (http, options, sp) =>
            new BigQueryClient(http, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BigQueryClient>>()));
        return services;
    }

    private static void Register<TClient>(
        IServiceCollection services,
        GoogleService service,
        string projectId,
        Func<string, string?>? getVariable,
        Func<HttpClient, GoogleClientOptions, IServiceProvider, TClient> create)
        where TClient : class
    {
        var endpoint = GoogleEndpoint.Resolve(service, getVariable);
        var options = new GoogleClientOptions(projectId, endpoint.BaseUri);
        services.AddHttpClient(typeof(TClient).Name)
            .AddHttpMessageHandler(sp => new GoogleAuthHandler(endpoint, endpoint.IsEmulator ? null : sp.GetRequiredService<GoogleAccessTokenSource>()))
            .AddTypedClient((http, sp) => create(http, options, sp));
    }
}
