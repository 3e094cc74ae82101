using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google;
using XeroSync.Google.BigQuery;
using XeroSync.Google.Firestore;
using XeroSync.Google.PubSub;
using XeroSync.Google.SecretManager;

namespace XeroSync.Tests.Google;

/// <summary>Builds the REST clients against an emulator host or an in-test server, without credentials.</summary>
public static class GoogleTestClients
{
    public static HttpClient Http(GoogleService service, Uri baseUri) =>
        new(new GoogleAuthHandler(new GoogleEndpoint(service, baseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

    public static PubSubClient PubSub(string host) =>
        new(Http(GoogleService.PubSub, GoogleEndpoint.ParseHost(host)), new GoogleClientOptions(GoogleEmulators.ProjectId, GoogleEndpoint.ParseHost(host)), NullLogger<PubSubClient>.Instance);

    public static FirestoreClient Firestore(string host, string projectId = GoogleEmulators.ProjectId) =>
        new(Http(GoogleService.Firestore, GoogleEndpoint.ParseHost(host)), new GoogleClientOptions(projectId, GoogleEndpoint.ParseHost(host)), TimeProvider.System, NullLogger<FirestoreClient>.Instance);

    public static SecretManagerClient SecretManager(Uri baseUri) =>
        new(Http(GoogleService.SecretManager, baseUri), new GoogleClientOptions("p", baseUri), NullLogger<SecretManagerClient>.Instance);

    public static BigQueryClient BigQuery(Uri baseUri, TimeProvider? timeProvider = null) =>
        new(Http(GoogleService.BigQuery, baseUri), new GoogleClientOptions("p", baseUri), timeProvider ?? TimeProvider.System, NullLogger<BigQueryClient>.Instance);

}
