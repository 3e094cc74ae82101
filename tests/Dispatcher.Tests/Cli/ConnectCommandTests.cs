using System.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using XeroSync.Dispatcher.Cli;
using XeroSync.Dispatcher.Local;
using XeroSync.Ledger.Local;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cli;

public sealed class ConnectCommandTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly StringWriter _output = new();
    private readonly HttpClient _browserHttp = new(); // follows redirects, like a browser
    private XeroSimulatorHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _browserHttp.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _temp.Dispose();
        await _output.DisposeAsync();
    }

    [Fact]
    public async Task Connect_authorises_with_pkce_on_a_loopback_redirect_stores_the_refresh_token_and_lists_tenants()
    {
        var context = await StartAsync();
        Uri? authorizeUrl = null;

        var exit = await ConnectCommand.RunAsync(Parse("connect", "--data-dir", _temp.Path, "--port", "0", "--no-browser"), context, async (url, ct) =>
        {
            authorizeUrl = url;
            using var response = await _browserHttp.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        }, Ct);

        var output = _output.ToString();
        Assert.True(exit == ExitCodes.Success, output);
        Assert.NotNull(authorizeUrl);
        var query = HttpUtility.ParseQueryString(authorizeUrl.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]!.Length);
        Assert.NotEmpty(query["state"]!);
        Assert.StartsWith("http://127.0.0.1:", query["redirect_uri"], StringComparison.Ordinal);
        Assert.EndsWith("/callback", query["redirect_uri"], StringComparison.Ordinal);
        Assert.Contains("offline_access", query["scope"], StringComparison.Ordinal);
        Assert.Contains(authorizeUrl.AbsoluteUri, output, StringComparison.Ordinal);
        Assert.Equal(1, _host!.State.AuthorizationCodeTokenCalls);
        foreach (var tenant in _host.State.Tenants)
        {
            Assert.Contains(tenant.Name, output, StringComparison.Ordinal);
        }

        var stored = await FileTokenStore.InDataFolder(_temp.Path).ReadAsync("default", Ct);
        Assert.NotNull(stored);
        Assert.DoesNotContain(stored.RefreshToken, output, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.AccessToken!, output, StringComparison.Ordinal);

        // `sync` now picks the stored refresh token, and it refreshes and rotates.
        var options = XeroEnvironment.Read(context.Environment);
        Assert.True(XeroTokenSources.UsesRefreshToken(options, _temp.Path));
        using var http = new HttpClient();
        var source = XeroTokenSources.Create(http, options, _temp.Path, new SqliteLeaseStore(SqliteStateDatabase.InFolder(_temp.Path), TimeProvider.System), NullLoggerFactory.Instance, TimeProvider.System);
        Assert.IsType<RefreshTokenSource>(source);
        Assert.Equal(stored.AccessToken, await source.GetAccessTokenAsync(forceRefresh: false, Ct));
        var refreshed = await source.GetAccessTokenAsync(forceRefresh: true, Ct);
        Assert.Equal(1, _host.State.RefreshTokenCalls);
        Assert.NotEqual(stored.RefreshToken, (await FileTokenStore.InDataFolder(_temp.Path).ReadAsync("default", Ct))!.RefreshToken);
        Assert.Equal(_host.State.Tenants.Count, (await new XeroIdentityClient(http, options, TimeProvider.System).GetConnectionsAsync(refreshed, Ct)).Count);
        (source as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task A_callback_with_another_state_is_refused_and_nothing_is_stored()
    {
        var context = await StartAsync();

        var exit = await CliAppWithBrowserAsync(context, async (url, ct) =>
        {
            var redirect = HttpUtility.ParseQueryString(url.Query)["redirect_uri"];
            using var response = await _browserHttp.GetAsync(new Uri(redirect + "?code=forged&state=not-the-state"), ct);
        });

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("state does not match", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _host!.State.AuthorizationCodeTokenCalls);
        Assert.False(FileTokenStore.InDataFolder(_temp.Path).Exists("default"));
    }

    [Fact]
    public async Task Connect_needs_the_app_credentials()
    {
        var context = NewContext(_ => null);
        var exit = await CliApp.RunAsync(["connect", "--data-dir", _temp.Path, "--port", "0", "--no-browser"], context, Ct);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("XERO_CLIENT_ID", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_stored_token_or_XERO_REFRESH_TOKEN_the_client_credentials_grant_is_used()
    {
        var options = new XeroOptions { ClientId = "id", ClientSecret = "secret" };
        Assert.False(XeroTokenSources.UsesRefreshToken(options, _temp.Path));
        using var http = new HttpClient();
        var leases = new SqliteLeaseStore(SqliteStateDatabase.InFolder(_temp.Path), TimeProvider.System);
        using (var source = (IDisposable)XeroTokenSources.Create(http, options, _temp.Path, leases, NullLoggerFactory.Instance, TimeProvider.System))
        {
            Assert.IsType<ClientCredentialsTokenSource>(source);
        }

        options.RefreshToken = "seed";
        Assert.True(XeroTokenSources.UsesRefreshToken(options, _temp.Path));
        using var seeded = (IDisposable)XeroTokenSources.Create(http, options, _temp.Path, leases, NullLoggerFactory.Instance, TimeProvider.System);
        Assert.IsType<RefreshTokenSource>(seeded);
    }

    private async Task<int> CliAppWithBrowserAsync(CliContext context, Func<Uri, CancellationToken, Task> browser)
    {
        try
        {
            return await ConnectCommand.RunAsync(Parse("connect", "--data-dir", _temp.Path, "--port", "0", "--no-browser"), context, browser, Ct);
        }
        catch (CliUsageException ex)
        {
            await _output.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }
    }

    private static CliArguments Parse(params string[] args) => CliArguments.Parse(args, ConnectCommand.Options);

    private async Task<CliContext> StartAsync()
    {
        _host = await XeroSimulatorHost.StartAsync(new SimulatorOptions { Tenants = 2, Scale = 0.01, ClientSecret = "connect-test-secret" }, Ct);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["XERO_CLIENT_ID"] = _host.State.Options.ClientId,
            ["XERO_CLIENT_SECRET"] = _host.State.Options.ClientSecret,
            ["XERO_API_URL"] = _host.BaseUrl.ToString(),
            ["XERO_IDENTITY_URL"] = _host.BaseUrl.ToString(),
            ["XERO_LOGIN_URL"] = _host.BaseUrl.ToString(),
        };
        return NewContext(name => environment.GetValueOrDefault(name));
    }

    private CliContext NewContext(Func<string, string?> environment)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(_output),
            Interactive = InteractionSupport.No,
        });
        return new CliContext(console, NullLoggerFactory.Instance, TimeProvider.System, environment);
    }
}
