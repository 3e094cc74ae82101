namespace XeroSync.Google;

/// <summary>
/// Where one Google service is reached: the production base URL, or an emulator named by its
/// <c>*_EMULATOR_HOST</c> variable (<c>host:port</c> or a full URL). Emulators are called without credentials.
/// </summary>
/// <param name="Service">The service.</param>
/// <param name="BaseUri">Base URL ending in '/', e.g. <c>https://pubsub.googleapis.com/</c>.</param>
/// <param name="IsEmulator">True when the base URL came from the emulator variable.</param>
public sealed record GoogleEndpoint(GoogleService Service, Uri BaseUri, bool IsEmulator)
{
    /// <summary>The environment variable that points the service at an emulator.</summary>
    public static string EmulatorVariable(GoogleService service) => service switch
    {
        GoogleService.PubSub => "PUBSUB_EMULATOR_HOST",
        GoogleService.Firestore => "FIRESTORE_EMULATOR_HOST",
        GoogleService.Storage => "STORAGE_EMULATOR_HOST",
        GoogleService.BigQuery => "BIGQUERY_EMULATOR_HOST",
        GoogleService.SecretManager => "SECRETMANAGER_EMULATOR_HOST",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };

    /// <summary>The production base URL of the service.</summary>
    public static Uri ProductionBaseUri(GoogleService service) => service switch
    {
        GoogleService.PubSub => new Uri("https://pubsub.googleapis.com/"),
        GoogleService.Firestore => new Uri("https://firestore.googleapis.com/"),
        GoogleService.Storage => new Uri("https://storage.googleapis.com/"),
        GoogleService.BigQuery => new Uri("https://bigquery.googleapis.com/"),
        GoogleService.SecretManager => new Uri("https://secretmanager.googleapis.com/"),
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };

    /// <summary>Resolves the endpoint from the process environment (or <paramref name="getVariable"/>).</summary>
    public static GoogleEndpoint Resolve(GoogleService service, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var host = getVariable(EmulatorVariable(service));
        if (string.IsNullOrWhiteSpace(host))
        {
            return new GoogleEndpoint(service, ProductionBaseUri(service), IsEmulator: false);
        }

        return new GoogleEndpoint(service, ParseHost(host.Trim()), IsEmulator: true);
    }

    /// <summary>Parses <c>host:port</c> (http assumed) or a full URL into a base URL ending in '/'.</summary>
    public static Uri ParseHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var text = host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Not a host:port or http(s) URL: '{host}'.", nameof(host));
        }

        var builder = new UriBuilder(uri);
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }
}
