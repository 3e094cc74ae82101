using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google;
using XeroSync.Google.Firestore;
using XeroSync.Google.PubSub;
using XeroSync.Tests;

namespace XeroSync.Bench;

/// <summary>The project's own Google clients pointed at the emulators, as tests/Shared.Tests builds them.</summary>
internal static class EmulatorClients
{
#pragma warning disable CA2000 // Each client owns its HttpClient and handlers for the run's life.
    public static PubSubClient PubSub(GoogleEmulators emulators)
    {
        var baseUri = GoogleEndpoint.ParseHost(emulators.PubSubHost!);
        return new PubSubClient(
            new HttpClient(new GoogleAuthHandler(new GoogleEndpoint(GoogleService.PubSub, baseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromSeconds(60) },
            new GoogleClientOptions(GoogleEmulators.ProjectId, baseUri),
            NullLogger<PubSubClient>.Instance);
    }

    public static FirestoreClient Firestore(GoogleEmulators emulators) => Firestore(emulators, null);

    /// <param name="outer">A handler to put in front (e.g. one counting writes), or null.</param>
    public static FirestoreClient Firestore(GoogleEmulators emulators, DelegatingHandler? outer)
    {
        var baseUri = GoogleEndpoint.ParseHost(emulators.FirestoreHost!);
        HttpMessageHandler handler = new GoogleAuthHandler(new GoogleEndpoint(GoogleService.Firestore, baseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() };
        if (outer is not null)
        {
            outer.InnerHandler = handler;
            handler = outer;
        }

        return new FirestoreClient(
            new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) },
            new GoogleClientOptions(GoogleEmulators.ProjectId, baseUri),
            TimeProvider.System,
            NullLogger<FirestoreClient>.Instance);
    }
#pragma warning restore CA2000
}
