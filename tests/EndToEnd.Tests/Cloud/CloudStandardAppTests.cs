using System.Text.Json;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape with a standard app: the Dispatcher and Worker refresh one rotating refresh token kept in Secret
/// Manager (a stand-in that checks every request's shape), one refresher at a time under the Firestore lease, and
/// every organisation of the connection is synced.
/// </summary>
public sealed class CloudStandardAppTests(GoogleEmulators emulators)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_standard_app_syncs_every_organisation_rotating_its_token_through_secret_manager_once_per_refresh()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, standardApp: true);
        Assert.True(cloud.Truth.Tenants.Count > 1, "a standard app's connection should hold several organisations");

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, TimeSpan.FromMinutes(4), Token, "complete", "partial"));
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud);
        CloudSyncTests.AssertOneLoadPerManifest(cloud, runId);

        // Every refresh Xero answered was stored as a new secret version before the token was used, exactly once:
        // two services (and their many concurrent handlers) refreshing never refreshed twice in parallel.
        var refreshes = cloud.Truth.RefreshTokenCalls;
        Assert.True(refreshes >= 1, "the services never refreshed the seeded token");
        var added = cloud.Secrets.Requests.Count(r => r.PathAndQuery.EndsWith(":addVersion", StringComparison.Ordinal));
        Assert.Equal(refreshes, added);
        Assert.Equal(0, cloud.Truth.ClientCredentialsTokenCalls);
        Assert.Empty(cloud.Secrets.Violations);
        var latest = JsonDocument.Parse(cloud.Secrets.Versions[^1].Text).RootElement;
        Assert.False(string.IsNullOrEmpty(latest.GetProperty("refresh_token").GetString()));
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
