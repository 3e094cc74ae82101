using System.Text.Json;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;
using XeroSync.Tests.RateLimiting;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// What every writer race starts from: the simulator, the Secret Manager stand-in holding a freshly issued refresh token
/// (the seed), Firestore leases on the emulator under the test's own prefix, and one fake clock for all of them that
/// reports the waits started on it. Makes the racing "processes" (each its own token source on these parts).
/// </summary>
internal sealed class RefreshRace : IAsyncDisposable
{
    public const string SecretId = "acme-xero-refresh-token";

    /// <summary>The lease each writer holds (a refresher renews it every third of that while it works).</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(10);

    /// <summary>Past the simulator's 30-minute replay of a rotation (developer.xero.com/faq/oauth2).</summary>
    private static readonly TimeSpan PastGrace = TimeSpan.FromMinutes(31);

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string _firestoreHost;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    private RefreshRace(ParkingClock clock, OAuthHarness harness, SecretManagerStandIn secrets, string seed, string firestoreHost)
    {
        Clock = clock;
        Harness = harness;
        Secrets = secrets;
        Seed = seed;
        _firestoreHost = firestoreHost;
    }

    public ParkingClock Clock { get; }

    public OAuthHarness Harness { get; }

    public SecretManagerStandIn Secrets { get; }

    /// <summary>The refresh token stored before the race.</summary>
    public string Seed { get; }

    public static async Task<RefreshRace> StartAsync(GoogleEmulators emulators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        emulators.Require();
        var clock = new ParkingClock(Start);
        var harness = await OAuthHarness.StartAsync(clock, cancellationToken);
        var secrets = await SecretManagerStandIn.StartAsync(SecretId, clock);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(seed);
        return new RefreshRace(clock, harness, secrets, seed, emulators.FirestoreHost!);
    }

    /// <summary>The secret's versions stored so far (the first is the seed itself).</summary>
    public int VersionCount => Secrets.Versions.Count;

    /// <summary>A token set version's JSON (index 1 onwards: what a writer stored; ^1 the latest).</summary>
    public JsonElement Version(Index index) => JsonSerializer.Deserialize<JsonElement>(Secrets.Versions[index].Text);

    public SecretManagerTokenStore Store() =>
        new(GoogleTestClients.SecretManager(Secrets.BaseUri), Secrets.SecretName, SecretId, Clock, new FakeLogger<SecretManagerTokenStore>(Harness.Logs));

    public FirestoreLeaseStore Leases() => new(GoogleTestClients.Firestore(_firestoreHost), Clock, _prefix);

    /// <summary>A Worker's token source: its own HTTP handler (e.g. one that holds the answer) and lease store if given.</summary>
    public RefreshTokenSource Worker(HttpMessageHandler? handler = null, ILeaseStore? leases = null) =>
        Harness.CreateSource(Clock, handler: handler, store: Store(), leases: leases ?? Leases(), connection: SecretId, leaseTtl: LeaseTtl);

    /// <summary>What <c>connect</c> does: stores a new authorisation's refresh token under the connection's lease.</summary>
    public Task ConnectAsync(string refreshToken, ILeaseStore leases, RefreshTokenSourceOptions? options, CancellationToken cancellationToken) =>
        ConnectionTokenWriter.StoreAsync(
            Store(),
            leases,
            options ?? new RefreshTokenSourceOptions { Connection = SecretId, LeaseTtl = LeaseTtl },
            new StoredRefreshToken(refreshToken, Clock.GetUtcNow()),
            Clock,
            new FakeLogger<RefreshTokenSource>(Harness.Logs),
            cancellationToken);

    /// <summary>
    /// Once every rotation's grace has ended, a fresh process refreshes with the stored token: it works
    /// (Xero would answer invalid_grant for any token already rotated), and it is one more refresh call.
    /// </summary>
    public async Task AssertStoredTokenWorksAfterEveryGraceAsync(int expectedCalls, CancellationToken cancellationToken)
    {
        Clock.Advance(PastGrace);
        var fresh = Worker();
        var access = await fresh.GetAccessTokenAsync(forceRefresh: true, cancellationToken);
        Assert.Equal(expectedCalls, Harness.Host.State.RefreshTokenCalls);
        var connections = await new XeroIdentityClient(Harness.Http, Harness.Options, Clock).GetConnectionsAsync(access, cancellationToken);
        Assert.Equal(2, connections.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await Secrets.DisposeAsync();
        await Harness.DisposeAsync();
    }
}
