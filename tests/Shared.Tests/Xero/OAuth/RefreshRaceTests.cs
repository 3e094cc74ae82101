using System.Text.Json;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// Writers of one connection's token set racing: two refreshers, and a refresher against <c>connect</c>,
/// on the cloud shape's parts (Secret Manager stand-in, Firestore lease on the emulator, the simulator's
/// token endpoint, which rotates refresh tokens and replays a rotation for 30 minutes, then answers
/// invalid_grant, as developer.xero.com/faq/oauth2 describes). Exactly one token set survives and its
/// refresh token still works once every grace period has ended. The clock is a fake one shared by all of
/// them; each writer holds a 10-second lease (a refresher renews it every third of that while it works),
/// and every stall stays within the 30-second time limit of a token call.
/// </summary>
public sealed class RefreshRaceTests
{
    private const string SecretId = "acme-xero-refresh-token";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PastGrace = TimeSpan.FromMinutes(31);

    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public RefreshRaceTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_refresher_that_stalled_past_its_lease_does_not_store_over_the_newer_token_of_the_one_that_took_over()
    {
        _emulators.Require();
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, clock);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(seed);
        using var held = new HeldAnswerHandler();
        var stalled = CreateWorker(harness, secrets, clock, handler: held);
        var other = CreateWorker(harness, secrets, clock);

        // The first refresher spends the seed (Xero rotates it) and stalls before storing the answer,
        // past its lease.
        var stalledRefresh = Task.Run(async () => await stalled.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        clock.Advance(LeaseTtl + TimeSpan.FromSeconds(1));

        // The second takes the expired lease, refreshes the seed (Xero replays the same rotation within the
        // grace), stores it, and, its access token rejected, rotates once more.
        var replayed = await other.GetAccessTokenAsync(forceRefresh: true, Ct);
        var newest = await other.GetAccessTokenAsync(forceRefresh: true, Ct);
        Assert.NotEqual(replayed, newest);
        Assert.Equal(3, harness.Host.State.RefreshTokenCalls);

        // The stalled one wakes up: it must not store its (older) rotation; it uses the stored set.
        held.Release();
        Assert.Equal(newest, await stalledRefresh.WaitAsync(Ct));
        Assert.Equal(3, harness.Host.State.RefreshTokenCalls);

        var versions = secrets.Versions.Select(v => v.Text).ToList();
        Assert.Equal(3, versions.Count);
        var first = JsonSerializer.Deserialize<JsonElement>(versions[1]);
        var last = JsonSerializer.Deserialize<JsonElement>(versions[2]);
        Assert.Equal(seed, first.GetProperty("previous_refresh_token").GetString());
        Assert.Equal(first.GetProperty("refresh_token").GetString(), last.GetProperty("previous_refresh_token").GetString());
        Assert.Equal(newest, last.GetProperty("access_token").GetString());
        Assert.Single(harness.Logs.GetSnapshot(), r => r.Message.StartsWith("Did not store the token set refreshed", StringComparison.Ordinal));
        Assert.Empty(secrets.Violations);

        await AssertStoredTokenWorksAfterEveryGraceAsync(harness, secrets, clock, expectedCalls: 4);
    }

    [Fact(Timeout = 60_000)]
    public async Task Connect_waits_for_a_refresher_whose_lease_is_renewed_past_its_time_to_live_and_then_its_token_set_survives()
    {
        _emulators.Require();
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, clock);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(seed);
        using var held = new HeldAnswerHandler();
        var refresherLeases = new ObservedLeaseStore(Leases(clock));
        var refresher = CreateWorker(harness, secrets, clock, handler: held, leases: refresherLeases);

        var refresh = Task.Run(async () => await refresher.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        Assert.Equal(1, refresherLeases.Granted);

        // An operator runs `connect` for the same connection meanwhile: a new authorisation's refresh token.
        var connected = harness.IssueRefreshToken();
        var connectLeases = new ObservedLeaseStore(Leases(clock));
        var connect = Task.Run(
            () => ConnectionTokenWriter.StoreAsync(
                Store(harness, secrets, clock),
                connectLeases,
                new RefreshTokenSourceOptions { Connection = SecretId, LeaseTtl = LeaseTtl, LeaseWait = TimeSpan.FromMinutes(10), LeasePollInterval = TimeSpan.FromSeconds(1) },
                new StoredRefreshToken(connected, clock.GetUtcNow()),
                clock,
                new FakeLogger<RefreshTokenSource>(harness.Logs),
                Ct),
            Ct);

        // 14 seconds pass, beyond the 10-second lease: the refresher renews it twice on the way.
        clock.Advance(TimeSpan.FromSeconds(7));
        await refresherLeases.GrantedAsync(2).WaitAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(7));
        await refresherLeases.GrantedAsync(3).WaitAsync(Ct);

        held.Release();
        await refresh.WaitAsync(Ct);

        // Connect polls the lease every second: step the clock (never while it is asking) until it has it.
        while (connectLeases.Granted == 0)
        {
            if (connectLeases.InFlight == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            await Task.Yield();
        }

        await connect;

        // The refresher's rotation was stored first, connect's set after it: connect's survives.
        var versions = secrets.Versions.Select(v => v.Text).ToList();
        Assert.Equal(3, versions.Count);
        Assert.Equal(seed, JsonSerializer.Deserialize<JsonElement>(versions[1]).GetProperty("previous_refresh_token").GetString());
        Assert.Equal(connected, JsonSerializer.Deserialize<JsonElement>(versions[2]).GetProperty("refresh_token").GetString());
        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);
        Assert.Empty(secrets.Violations);

        await AssertStoredTokenWorksAfterEveryGraceAsync(harness, secrets, clock, expectedCalls: 2);
        Assert.Equal(connected, JsonSerializer.Deserialize<JsonElement>(secrets.Versions[^1].Text).GetProperty("previous_refresh_token").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refresher_that_stalled_past_its_lease_leaves_the_token_set_connect_stored_meanwhile()
    {
        _emulators.Require();
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        await using var secrets = await SecretManagerStandIn.StartAsync(SecretId, clock);
        var seed = harness.IssueRefreshToken();
        secrets.Seed(seed);
        using var held = new HeldAnswerHandler();
        var stalled = CreateWorker(harness, secrets, clock, handler: held);

        var stalledRefresh = Task.Run(async () => await stalled.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        clock.Advance(LeaseTtl + TimeSpan.FromSeconds(1));

        var connected = harness.IssueRefreshToken();
        await ConnectionTokenWriter.StoreAsync(
            Store(harness, secrets, clock),
            Leases(clock),
            new RefreshTokenSourceOptions { Connection = SecretId, LeaseTtl = LeaseTtl },
            new StoredRefreshToken(connected, clock.GetUtcNow()),
            clock,
            new FakeLogger<RefreshTokenSource>(harness.Logs),
            Ct);

        // The stalled refresher does not store its rotation of the seed; it refreshes connect's token instead.
        held.Release();
        await stalledRefresh.WaitAsync(Ct);
        Assert.Equal(2, harness.Host.State.RefreshTokenCalls);
        var versions = secrets.Versions.Select(v => v.Text).ToList();
        Assert.Equal(3, versions.Count);
        Assert.Equal(connected, JsonSerializer.Deserialize<JsonElement>(versions[1]).GetProperty("refresh_token").GetString());
        Assert.Equal(connected, JsonSerializer.Deserialize<JsonElement>(versions[2]).GetProperty("previous_refresh_token").GetString());
        Assert.Empty(secrets.Violations);

        await AssertStoredTokenWorksAfterEveryGraceAsync(harness, secrets, clock, expectedCalls: 3);
    }

    /// <summary>
    /// Once every rotation's grace has ended, a fresh process refreshes with the stored token: it works
    /// (Xero would answer invalid_grant for any token already rotated), and it is one more refresh call.
    /// </summary>
    private async Task AssertStoredTokenWorksAfterEveryGraceAsync(OAuthHarness harness, SecretManagerStandIn secrets, FakeTimeProvider clock, int expectedCalls)
    {
        clock.Advance(PastGrace);
        var fresh = CreateWorker(harness, secrets, clock);
        var access = await fresh.GetAccessTokenAsync(forceRefresh: true, Ct);
        Assert.Equal(expectedCalls, harness.Host.State.RefreshTokenCalls);
        var connections = await new XeroIdentityClient(harness.Http, harness.Options, clock).GetConnectionsAsync(access, Ct);
        Assert.Equal(2, connections.Count);
    }

    private static SecretManagerTokenStore Store(OAuthHarness harness, SecretManagerStandIn secrets, TimeProvider time) =>
        new(GoogleTestClients.SecretManager(secrets.BaseUri), secrets.SecretName, SecretId, time, new FakeLogger<SecretManagerTokenStore>(harness.Logs));

    private FirestoreLeaseStore Leases(TimeProvider time) => new(GoogleTestClients.Firestore(_emulators.FirestoreHost!), time, _prefix);

    private RefreshTokenSource CreateWorker(OAuthHarness harness, SecretManagerStandIn secrets, TimeProvider time, HttpMessageHandler? handler = null, ILeaseStore? leases = null) =>
        harness.CreateSource(time, handler: handler, store: Store(harness, secrets, time), leases: leases ?? Leases(time), connection: SecretId, leaseTtl: LeaseTtl);
}
