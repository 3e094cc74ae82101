using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Cli.Local;
using XeroSync.Pipeline;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Local;

public sealed class LocalPipelineRefreshTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_sync_with_XERO_REFRESH_TOKEN_refreshes_once_stores_the_rotated_token_and_never_uses_client_credentials()
    {
        using var temp = new TempDirectory();
        await using var host = await XeroSimulatorHost.StartAsync(new SimulatorOptions { Tenants = 2, Scale = 0.01 }, Ct);
        var seed = host.State.IssueRefreshToken();
        var settings = new LocalPipelineSettings(temp.Path, new XeroOptions
        {
            ApiUrl = host.BaseUrl,
            IdentityUrl = host.BaseUrl,
            ClientId = host.State.Options.ClientId,
            ClientSecret = host.State.Options.ClientSecret,
            RefreshToken = seed,
        });

        await using (var pipeline = new LocalPipeline(settings, NullLoggerFactory.Instance, TimeProvider.System))
        {
            var started = await pipeline.SyncAsync(new RunRequest { Endpoints = ["Contacts"] }, Ct);
            Assert.Equal(2, started.Tenants.Count);
        }

        Assert.Equal(1, host.State.RefreshTokenCalls);
        Assert.Equal(0, host.State.ClientCredentialsTokenCalls);
        var stored = await FileTokenStore.InDataFolder(temp.Path).ReadAsync("default", Ct);
        Assert.NotEqual(seed, stored!.RefreshToken);
    }
}
