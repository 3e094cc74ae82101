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
public sealed class RefreshRaceTests(GoogleEmulators emulators)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_refresher_that_stalled_past_its_lease_does_not_store_over_the_newer_token_of_the_one_that_took_over()
    {
        await using var race = await RefreshRace.StartAsync(emulators, Ct);
        using var held = new HeldAnswerHandler();
        var stalled = race.Worker(handler: held);
        var other = race.Worker();

        // The first refresher spends the seed (Xero rotates it) and stalls before storing the answer,
        // past its lease.
        var stalledRefresh = Task.Run(async () => await stalled.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        race.Clock.Advance(RefreshRace.LeaseTtl + TimeSpan.FromSeconds(1));

        // The second takes the expired lease, refreshes the seed (Xero replays the same rotation within the
        // grace), stores it, and, its access token rejected, rotates once more.
        var replayed = await other.GetAccessTokenAsync(forceRefresh: true, Ct);
        var newest = await other.GetAccessTokenAsync(forceRefresh: true, Ct);
        Assert.NotEqual(replayed, newest);
        Assert.Equal(3, race.Harness.Host.State.RefreshTokenCalls);

        // The stalled one wakes up: it must not store its (older) rotation; it uses the stored set.
        held.Release();
        Assert.Equal(newest, await stalledRefresh.WaitAsync(Ct));
        Assert.Equal(3, race.Harness.Host.State.RefreshTokenCalls);

        Assert.Equal(3, race.VersionCount);
        Assert.Equal(race.Seed, race.Version(1).GetProperty("previous_refresh_token").GetString());
        Assert.Equal(race.Version(1).GetProperty("refresh_token").GetString(), race.Version(2).GetProperty("previous_refresh_token").GetString());
        Assert.Equal(newest, race.Version(2).GetProperty("access_token").GetString());
        Assert.Single(race.Harness.Logs.GetSnapshot(), r => r.Message.StartsWith("Did not store the token set refreshed", StringComparison.Ordinal));
        Assert.Empty(race.Secrets.Violations);

        await race.AssertStoredTokenWorksAfterEveryGraceAsync(expectedCalls: 4, Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Connect_waits_for_a_refresher_whose_lease_is_renewed_past_its_time_to_live_and_then_its_token_set_survives()
    {
        await using var race = await RefreshRace.StartAsync(emulators, Ct);
        using var held = new HeldAnswerHandler();
        var refresherLeases = new ObservedLeaseStore(race.Leases());
        var refresher = race.Worker(handler: held, leases: refresherLeases);

        var refresh = Task.Run(async () => await refresher.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        Assert.Equal(1, refresherLeases.Granted);

        // An operator runs `connect` for the same connection meanwhile: a new authorisation's refresh token.
        var connected = race.Harness.IssueRefreshToken();
        var connectLeases = new ObservedLeaseStore(race.Leases());
        var poll = TimeSpan.FromSeconds(1);
        var connect = Task.Run(
            () => race.ConnectAsync(
                connected,
                connectLeases,
                new RefreshTokenSourceOptions { Connection = RefreshRace.SecretId, LeaseTtl = RefreshRace.LeaseTtl, LeaseWait = TimeSpan.FromMinutes(10), LeasePollInterval = poll },
                Ct),
            Ct);

        // 14 seconds pass, beyond the 10-second lease: the refresher renews it twice on the way.
        race.Clock.Advance(TimeSpan.FromSeconds(7));
        await refresherLeases.GrantedAsync(2).WaitAsync(Ct);
        race.Clock.Advance(TimeSpan.FromSeconds(7));
        await refresherLeases.GrantedAsync(3).WaitAsync(Ct);

        held.Release();
        await refresh.WaitAsync(Ct);

        // Connect polls the lease every second: on the clock's signal that it started that wait (and only then), the
        // clock moves to the wait's end, until connect has the lease.
        var granted = connectLeases.GrantedAsync(1);
        while (!granted.IsCompleted)
        {
            var wait = race.Clock.NextWaitAsync(poll + TimeSpan.FromMilliseconds(1), Ct);
            if (await Task.WhenAny(wait, granted).WaitAsync(Ct) == wait && await wait is var due && due > race.Clock.GetUtcNow())
            {
                race.Clock.Advance(due - race.Clock.GetUtcNow());
            }
        }

        await connect.WaitAsync(Ct);

        // The refresher's rotation was stored first, connect's set after it: connect's survives.
        Assert.Equal(3, race.VersionCount);
        Assert.Equal(race.Seed, race.Version(1).GetProperty("previous_refresh_token").GetString());
        Assert.Equal(connected, race.Version(2).GetProperty("refresh_token").GetString());
        Assert.Equal(1, race.Harness.Host.State.RefreshTokenCalls);
        Assert.Empty(race.Secrets.Violations);

        await race.AssertStoredTokenWorksAfterEveryGraceAsync(expectedCalls: 2, Ct);
        Assert.Equal(connected, race.Version(^1).GetProperty("previous_refresh_token").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refresher_that_stalled_past_its_lease_leaves_the_token_set_connect_stored_meanwhile()
    {
        await using var race = await RefreshRace.StartAsync(emulators, Ct);
        using var held = new HeldAnswerHandler();
        var stalled = race.Worker(handler: held);

        var stalledRefresh = Task.Run(async () => await stalled.GetAccessTokenAsync(forceRefresh: true, Ct), Ct);
        await held.Answered.WaitAsync(Ct);
        race.Clock.Advance(RefreshRace.LeaseTtl + TimeSpan.FromSeconds(1));

        var connected = race.Harness.IssueRefreshToken();
        await race.ConnectAsync(connected, race.Leases(), options: null, Ct);

        // The stalled refresher does not store its rotation of the seed; it refreshes connect's token instead.
        held.Release();
        await stalledRefresh.WaitAsync(Ct);
        Assert.Equal(2, race.Harness.Host.State.RefreshTokenCalls);
        Assert.Equal(3, race.VersionCount);
        Assert.Equal(connected, race.Version(1).GetProperty("refresh_token").GetString());
        Assert.Equal(connected, race.Version(2).GetProperty("previous_refresh_token").GetString());
        Assert.Empty(race.Secrets.Violations);

        await race.AssertStoredTokenWorksAfterEveryGraceAsync(expectedCalls: 3, Ct);
    }
}
