using Microsoft.Extensions.Time.Testing;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

public sealed class RefreshTokenSourceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Two_processes_refreshing_at_once_make_one_refresh_call_and_share_the_access_token()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        await harness.NewStore().WriteAsync("default", new StoredRefreshToken(harness.IssueRefreshToken(), Start), Ct);
        var first = harness.CreateSource(TimeProvider.System);
        var second = harness.CreateSource(TimeProvider.System);

        var tokens = await Task.WhenAll(
            Task.Run(async () => await first.GetAccessTokenAsync(forceRefresh: true, Ct), Ct),
            Task.Run(async () => await second.GetAccessTokenAsync(forceRefresh: true, Ct), Ct));

        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);
        Assert.Equal(tokens[0], tokens[1]);
        var connections = await new XeroIdentityClient(harness.Http, harness.Options, TimeProvider.System).GetConnectionsAsync(tokens[0], Ct);
        Assert.Equal(2, connections.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_rotated_refresh_token_is_stored_and_the_next_process_refreshes_with_it()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        var seed = harness.IssueRefreshToken();
        var source = harness.CreateSource(TimeProvider.System, seed: seed);

        var access = await source.GetAccessTokenAsync(forceRefresh: false, Ct);
        var stored = await harness.NewStore().ReadAsync("default", Ct);
        Assert.NotNull(stored);
        Assert.NotEqual(seed, stored.RefreshToken);
        Assert.Equal(seed, stored.PreviousRefreshToken);
        Assert.NotNull(stored.ReplacedAt);
        Assert.Equal(access, stored.AccessToken);

        // Cached in memory: no second call until forced.
        Assert.Equal(access, await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);

        // Another process after a 401 with that access token: refreshes with the stored (rotated) token.
        var later = harness.CreateSource(TimeProvider.System, seed: seed);
        Assert.Equal(access, await later.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);
        var renewed = await later.GetAccessTokenAsync(forceRefresh: true, Ct);
        Assert.NotEqual(access, renewed);
        Assert.Equal(2, harness.Host.State.RefreshTokenCalls);
        var again = await harness.NewStore().ReadAsync("default", Ct);
        Assert.Equal(stored.RefreshToken, again!.PreviousRefreshToken);
        Assert.NotEqual(stored.RefreshToken, again.RefreshToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_access_token_is_not_handed_out_when_the_rotated_token_cannot_be_stored()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        var inner = harness.NewStore();
        await inner.WriteAsync("default", new StoredRefreshToken(harness.IssueRefreshToken(), Start), Ct);
        var failing = new FailingWriteStore(inner);
        var source = harness.CreateSource(TimeProvider.System, store: failing);

        await Assert.ThrowsAsync<IOException>(async () => await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(1, harness.Host.State.RefreshTokenCalls);
        Assert.Equal(1, failing.FailedWrites);

        // The lease was released and the old token still works within the grace period.
        var recovered = harness.CreateSource(TimeProvider.System);
        var access = await recovered.GetAccessTokenAsync(forceRefresh: false, Ct);
        Assert.Equal(2, harness.Host.State.RefreshTokenCalls);
        Assert.Equal(access, (await inner.ReadAsync("default", Ct))!.AccessToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lost_answer_is_recovered_by_sending_the_same_refresh_token_within_the_grace_period()
    {
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        var seed = harness.IssueRefreshToken();
        var handler = new LostAnswerHandler(answersToLose: 1);
        var source = harness.CreateSource(clock, seed: seed, handler: handler);

        var access = await source.GetAccessTokenAsync(forceRefresh: false, Ct);

        Assert.Equal(1, handler.Lost);
        Assert.Equal([seed, seed], handler.RefreshTokensSent);
        Assert.Equal(2, harness.Host.State.RefreshTokenCalls);
        var stored = await harness.NewStore().ReadAsync("default", Ct);
        Assert.Equal(access, stored!.AccessToken);
        Assert.NotEqual(seed, stored.RefreshToken);
        Assert.Equal(2, (await new XeroIdentityClient(harness.Http, harness.Options, clock).GetConnectionsAsync(access, Ct)).Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Answers_lost_beyond_the_attempts_leave_the_stored_token_unchanged_and_fail_as_transient()
    {
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        var seed = harness.IssueRefreshToken();
        var source = harness.CreateSource(clock, seed: seed, handler: new LostAnswerHandler(answersToLose: 5), maxSendAttempts: 2);

        var ex = await Assert.ThrowsAsync<XeroApiException>(async () => await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(XeroFailure.Transient, ex.Failure);
        Assert.Contains("30 minutes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(seed, (await harness.NewStore().ReadAsync("default", Ct))!.RefreshToken);

        // Within the grace period the stored (already used) token still yields the pair Xero rotated to.
        clock.Advance(TimeSpan.FromMinutes(20));
        var access = await harness.CreateSource(clock).GetAccessTokenAsync(forceRefresh: false, Ct);
        Assert.NotEmpty(access);
    }

    [Fact(Timeout = 60_000)]
    public async Task Invalid_grant_says_how_to_authorise_again()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        var source = harness.CreateSource(TimeProvider.System, seed: harness.IssueRefreshToken());
        harness.Host.State.RevokeTokens();

        var ex = await Assert.ThrowsAsync<XeroApiException>(async () => await source.GetAccessTokenAsync(forceRefresh: false, Ct));

        Assert.Equal(XeroFailure.AccessDenied, ex.Failure);
        Assert.Equal("invalid_grant", ex.Detail);
        Assert.Equal(
            "Xero refused the stored refresh token (invalid_grant): it was revoked, expired after 60 days unused, or already rotated by another client. Run `dotnet run --project src/Cli -- connect` to authorise again.",
            ex.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refresh_token_unused_for_60_days_is_refused_with_invalid_grant()
    {
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        var source = harness.CreateSource(clock, seed: harness.IssueRefreshToken());
        clock.Advance(TimeSpan.FromDays(61));

        var ex = await Assert.ThrowsAsync<XeroApiException>(async () => await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(RefreshTokenSource.InvalidGrantMessage, ex.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task No_stored_token_and_no_seed_asks_to_connect()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        var ex = await Assert.ThrowsAsync<XeroApiException>(async () => await harness.CreateSource(TimeProvider.System).GetAccessTokenAsync(forceRefresh: false, Ct));
        Assert.Equal(XeroFailure.AccessDenied, ex.Failure);
        Assert.Contains("connect", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Host.State.RefreshTokenCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_seed_is_ignored_once_a_token_is_stored()
    {
        await using var harness = await OAuthHarness.StartAsync(TimeProvider.System, Ct);
        var stored = harness.IssueRefreshToken();
        await harness.NewStore().WriteAsync("default", new StoredRefreshToken(stored, Start), Ct);
        var handler = new LostAnswerHandler(answersToLose: 0);
        await harness.CreateSource(TimeProvider.System, seed: "stale-seed-from-environment", handler: handler).GetAccessTokenAsync(forceRefresh: false, Ct);
        Assert.Equal([stored], handler.RefreshTokensSent);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_held_lease_is_waited_for_boundedly()
    {
        var clock = new FakeTimeProvider(Start) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        var source = harness.CreateSource(clock, seed: harness.IssueRefreshToken());
        var otherProcess = new XeroSync.Ledger.Local.SqliteLeaseStore(new XeroSync.Ledger.Local.SqliteStateDatabase(Path.Combine(harness.DataFolder, "state.db")), clock);
        Assert.True(await otherProcess.TryAcquireAsync(source.LeaseName, "someone-else", TimeSpan.FromHours(1), Ct));

        var pending = source.GetAccessTokenAsync(forceRefresh: false, Ct).AsTask();
        while (!pending.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        var ex = await Assert.ThrowsAsync<XeroApiException>(() => pending);
        Assert.Equal(XeroFailure.Transient, ex.Failure);
        Assert.Contains(source.LeaseName, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Host.State.RefreshTokenCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task No_token_or_secret_appears_in_logs_or_exceptions_on_refresh_lost_answer_and_invalid_grant()
    {
        var clock = new FakeTimeProvider(Start);
        await using var harness = await OAuthHarness.StartAsync(clock, Ct);
        var exceptions = new List<Exception>();

        // Refresh with a lost answer, then a forced refresh, then a second process using the stored token.
        var source = harness.CreateSource(clock, seed: harness.IssueRefreshToken(), handler: new LostAnswerHandler(answersToLose: 1));
        harness.Secrets.Add(await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        await harness.CollectStoredSecretsAsync(Ct);
        harness.Secrets.Add(await source.GetAccessTokenAsync(forceRefresh: true, Ct));
        await harness.CollectStoredSecretsAsync(Ct);
        harness.Secrets.Add(await harness.CreateSource(clock).GetAccessTokenAsync(forceRefresh: false, Ct));

        // Every answer lost.
        var lost = harness.CreateSource(clock, handler: new LostAnswerHandler(answersToLose: 10), maxSendAttempts: 2);
        var rejected = await lost.GetAccessTokenAsync(forceRefresh: false, Ct); // the stored one
        Assert.Contains(rejected, harness.Secrets);
        exceptions.Add(await Assert.ThrowsAsync<XeroApiException>(async () => await lost.GetAccessTokenAsync(forceRefresh: true, Ct)));
        await harness.CollectStoredSecretsAsync(Ct);

        // invalid_grant.
        harness.Host.State.RevokeTokens();
        var revoked = harness.CreateSource(clock);
        await revoked.GetAccessTokenAsync(forceRefresh: false, Ct);
        exceptions.Add(await Assert.ThrowsAsync<XeroApiException>(async () => await revoked.GetAccessTokenAsync(forceRefresh: true, Ct)));

        // The log captured something from each path, at every level.
        var logText = harness.AllLogText();
        Assert.Contains("Refreshed the Xero token", logText, StringComparison.Ordinal);
        Assert.Contains("got no answer", logText, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", logText, StringComparison.Ordinal);
        Assert.True(harness.Secrets.Count >= 5, $"only {harness.Secrets.Count} secrets collected");

        var exceptionText = string.Join(Environment.NewLine, exceptions.Select(e => e.ToString()));
        foreach (var secret in harness.Secrets)
        {
            Assert.DoesNotContain(secret, logText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, exceptionText, StringComparison.Ordinal);
        }
    }
}
