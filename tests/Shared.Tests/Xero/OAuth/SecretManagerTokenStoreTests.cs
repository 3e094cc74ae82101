using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// The cloud shape's standard-app flow: the rotating refresh token in Secret Manager (an in-test stand-in
/// that checks each request's shape), one refresher at a time across instances through the Firestore
/// lease (emulator), against the simulator's token endpoint (rotation with a 30-minute grace).
/// </summary>
public sealed class SecretManagerTokenStoreTests
{
    private const string SecretId = "acme-xero-refresh-token";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public SecretManagerTokenStoreTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Two_workers_refreshing_at_once_make_one_refresh_call_and_store_one_new_version()
    {
        _emulators.Require();
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, TimeProvider.System);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(seed); // a bare token, as `gcloud secrets versions add` leaves it
        var first = CreateWorker(harness, secrets, TimeProvider.System);
        var second = CreateWorker(harness, secrets, TimeProvider.System);

        var tokens = await Task.WhenAll(
            Task.Run(async () => await first.GetAccessTokenAsync(forceRefresh: true, Ct), Ct),
            Task.Run(async () => await second.GetAccessTokenAsync(forceRefresh: true, Ct), Ct));

        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);
        Assert.Equal(tokens[0], tokens[1]);
        Assert.Empty(secrets.Violations);
        var versions = secrets.Versions;
        Assert.Equal(2, versions.Count);
        var stored = JsonSerializer.Deserialize<JsonElement>(versions[1].Text);
        Assert.NotEqual(seed, stored.GetProperty("refresh_token").GetString());
        Assert.Equal(seed, stored.GetProperty("previous_refresh_token").GetString());
        Assert.Equal(tokens[0], stored.GetProperty("access_token").GetString());
        Assert.Single(secrets.Requests, r => r.PathAndQuery.EndsWith(":addVersion", StringComparison.Ordinal));

        // Every organisation of the connection is reachable with it.
        var connections = await new XeroIdentityClient(harness.Http, harness.Options, TimeProvider.System).GetConnectionsAsync(tokens[0], Ct);
        Assert.Equal(2, connections.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_rotation_is_a_new_version_written_before_use_and_older_versions_are_destroyed_after_the_grace()
    {
        _emulators.Require();
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, clock);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(JsonSerializer.Serialize(new Dictionary<string, string> { ["refresh_token"] = seed, ["obtained_at"] = "2026-03-01T08:00:00+00:00" }));
        var worker = CreateWorker(harness, secrets, clock);

        var first = await worker.GetAccessTokenAsync(forceRefresh: false, Ct);

        // The access token handed out is already in the newest version, with the rotated refresh token.
        Assert.Equal(first, JsonSerializer.Deserialize<JsonElement>(secrets.Versions[^1].Text).GetProperty("access_token").GetString());
        Assert.Equal(["ENABLED", "ENABLED"], secrets.Versions.Select(v => v.State));

        // 31 minutes on: the access token expired, the next call rotates again; version 1 was superseded
        // more than 30 minutes ago and is destroyed, version 2 only now and stays readable.
        clock.Advance(TimeSpan.FromMinutes(31));
        var second = await worker.GetAccessTokenAsync(forceRefresh: false, Ct);
        Assert.NotEqual(first, second);
        Assert.Equal(["DESTROYED", "ENABLED", "ENABLED"], secrets.Versions.Select(v => v.State));

        clock.Advance(TimeSpan.FromMinutes(31));
        var third = await worker.GetAccessTokenAsync(forceRefresh: false, Ct);
        Assert.Equal(["DESTROYED", "DESTROYED", "ENABLED", "ENABLED"], secrets.Versions.Select(v => v.State));
        Assert.Equal(3, harness.Host.State.RefreshTokenCalls);
        Assert.Empty(secrets.Violations);

        // A fresh instance reads the latest version: its still-valid access token first, then, once that
        // is rejected, a refresh with its refresh token, which Xero accepts.
        var later = CreateWorker(harness, secrets, clock);
        Assert.Equal(third, await later.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(3, harness.Host.State.RefreshTokenCalls);
        Assert.NotEqual(third, await later.GetAccessTokenAsync(forceRefresh: true, Ct));
        Assert.Equal(4, harness.Host.State.RefreshTokenCalls);
        Assert.Empty(secrets.Violations);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_secret_without_versions_reads_as_no_token_and_a_foreign_payload_is_refused_without_echoing_it()
    {
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, TimeProvider.System);
        var store = new SecretManagerTokenStore(GoogleTestClients.SecretManager(secrets.BaseUri), secrets.SecretName, SecretId, TimeProvider.System, NullLogger<SecretManagerTokenStore>.Instance);

        Assert.Null(await store.ReadAsync(SecretId, Ct));

        secrets.Seed("{\"not\": \"a token set\", \"secret\": \"s3cr3t-value\"");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync(SecretId, Ct));
        Assert.DoesNotContain("s3cr3t-value", ex.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("other-connection", Ct));
        Assert.Empty(secrets.Violations);
    }

    [Theory]
    [InlineData("acme-xero-refresh-token", true)]
    [InlineData("projects/acme-xerosync/secrets/acme-xero-refresh-token", true)]
    [InlineData("projects/acme-xerosync/secrets/a/versions/3", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("projects//secrets/s", false)]
    [InlineData("", false)]
    public void Secret_names_are_validated(string name, bool valid) => Assert.Equal(valid, SecretManagerTokenStore.IsValidSecret(name));

    private RefreshTokenSource CreateWorker(OAuthHarness harness, SecretManagerStandIn secrets, TimeProvider time)
    {
        var store = new SecretManagerTokenStore(GoogleTestClients.SecretManager(secrets.BaseUri), secrets.SecretName, SecretId, time, new FakeLogger<SecretManagerTokenStore>(harness.Logs));
        var leases = new FirestoreLeaseStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), time, _prefix);
        return harness.CreateSource(time, store: store, leases: leases, connection: SecretId);
    }
}
