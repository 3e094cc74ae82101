using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using XeroSync.Cli;
using XeroSync.Cli.Local;
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

    [Fact(Timeout = 60_000)]
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

    [Fact(Timeout = 60_000)]
    public async Task A_new_app_without_journals_approval_connects_with_the_granular_read_scopes()
    {
        var context = await StartAsync(newApp: true);
        Uri? authorizeUrl = null;

        var exit = await CliAppWithBrowserAsync(context, async (url, ct) =>
        {
            authorizeUrl = url;
            using var response = await _browserHttp.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });

        var output = _output.ToString();
        Assert.True(exit == ExitCodes.Success, output);
        // developer.xero.com/documentation/oauth2/scopes, granular scopes of 2026: one read scope per family, no broad scope, no
        // Journals; reports have one scope per report family, and sync --tie-out reads the Trial Balance and the Balance Sheet.
        string[] expected =
        [
            "offline_access", "accounting.invoices.read", "accounting.payments.read", "accounting.banktransactions.read",
            "accounting.manualjournals.read", "accounting.classicexpenses.read", "accounting.contacts.read", "accounting.settings.read",
            "accounting.budgets.read", "accounting.reports.trialbalance.read", "accounting.reports.balancesheet.read",
        ];
        Assert.Equal(expected.Order(), HttpUtility.ParseQueryString(authorizeUrl!.Query)["scope"]!.Split(' ').Order());
        Assert.Equal(1, _host!.State.AuthorizationCodeTokenCalls);
        var stored = await FileTokenStore.InDataFolder(_temp.Path).ReadAsync("default", Ct);
        Assert.Equal(expected.Order(), stored!.Scope!.Split(' ').Order());
        Assert.Contains("Journals (accounting.journals.read)", string.Join(' ', output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_older_app_with_broad_scopes_asks_for_the_broad_transactions_and_reports_scopes()
    {
        var context = await StartAsync(newApp: false);
        Uri? authorizeUrl = null;

        var exit = await CliAppWithBrowserAsync(context, "--broad-scopes", async (url, ct) =>
        {
            authorizeUrl = url;
            using var response = await _browserHttp.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });

        var output = _output.ToString();
        Assert.True(exit == ExitCodes.Success, output);
        // developer.xero.com/documentation/oauth2/scopes: before the 2026 split, accounting.transactions.read covered every
        // transaction and accounting.reports.read every report (the Trial Balance of sync --tie-out among them).
        string[] expected =
        [
            "offline_access", "accounting.transactions.read", "accounting.contacts.read", "accounting.settings.read",
            "accounting.budgets.read", "accounting.reports.read",
        ];
        Assert.Equal(expected.Order(), HttpUtility.ParseQueryString(authorizeUrl!.Query)["scope"]!.Split(' ').Order());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--journals", "accounting.journals.read needs Xero's approval")]
    [InlineData("--broad-scopes", "cannot ask for the broad accounting.transactions and accounting.reports scopes")]
    public async Task A_new_app_asking_for_a_scope_Xero_refuses_is_told_which_and_stores_nothing(string option, string hint)
    {
        var context = await StartAsync(newApp: true);

        var exit = await CliAppWithBrowserAsync(context, option, async (url, ct) =>
        {
            using var response = await _browserHttp.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });

        var output = _output.ToString();
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("invalid_scope", output, StringComparison.Ordinal);
        Assert.Contains(hint, output, StringComparison.Ordinal);
        Assert.Equal(1, _host!.State.AuthorizationCodeTokenCalls);
        Assert.False(FileTokenStore.InDataFolder(_temp.Path).Exists("default"));
    }

    [Fact(Timeout = 60_000)]
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

    [Fact(Timeout = 60_000)]
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

    private Task<int> CliAppWithBrowserAsync(CliContext context, Func<Uri, CancellationToken, Task> browser) =>
        CliAppWithBrowserAsync(context, null, browser);

    private async Task<int> CliAppWithBrowserAsync(CliContext context, string? option, Func<Uri, CancellationToken, Task> browser)
    {
        try
        {
            string[] args = ["connect", "--data-dir", _temp.Path, "--port", "0", "--no-browser"];
            return await ConnectCommand.RunAsync(Parse(option is null ? args : [.. args, option]), context, browser, Ct);
        }
        catch (CliUsageException ex)
        {
            await _output.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Connect_with_secret_stores_the_first_token_set_as_a_secret_version_and_not_in_a_file()
    {
        const string Secret = "projects/acme-xerosync/secrets/acme-xero-refresh-token";
        var versions = new List<(string Data, string Crc)>();
        var violations = new List<string>();
        var leaseWrites = new List<string>();
        await using var secretManager = await StartSecretManagerAsync(Secret, versions, violations, leaseWrites);
        var context = await StartAsync(new Dictionary<string, string>
        {
            ["SECRETMANAGER_EMULATOR_HOST"] = secretManager.Urls.First(),
            ["FIRESTORE_EMULATOR_HOST"] = secretManager.Urls.First(),
            ["XEROSYNC_FIRESTORE_PREFIX"] = "acme_",
        });

        var exit = await ConnectCommand.RunAsync(Parse("connect", "--data-dir", _temp.Path, "--port", "0", "--no-browser", "--secret", Secret), context, async (url, ct) =>
        {
            using var response = await _browserHttp.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        }, Ct);

        var output = _output.ToString();
        Assert.True(exit == ExitCodes.Success, output);
        Assert.Empty(violations);
        Assert.Single(versions);

        // Under the refreshers' lease, in the services' Firestore collection (their prefix).
        Assert.Equal(["acme_leases/xero-refresh:acme-xero-refresh-token"], leaseWrites.Distinct());
        Assert.False(FileTokenStore.InDataFolder(_temp.Path).Exists("default"));
        Assert.Contains(Secret, output, StringComparison.Ordinal);

        // What the cloud services read back (the client verifies the CRC-32C connect sent) refreshes against Xero.
        using var http = new HttpClient();
        var client = new XeroSync.Google.SecretManager.SecretManagerClient(http, new XeroSync.Google.GoogleClientOptions("acme-xerosync", new Uri(secretManager.Urls.First() + "/")), NullLogger<XeroSync.Google.SecretManager.SecretManagerClient>.Instance);
        var store = new SecretManagerTokenStore(client, Secret, "acme-xero-refresh-token", TimeProvider.System, NullLogger<SecretManagerTokenStore>.Instance);
        var stored = await store.ReadAsync("acme-xero-refresh-token", Ct);
        Assert.NotNull(stored);
        Assert.DoesNotContain(stored.RefreshToken, output, StringComparison.Ordinal);
        var grant = await new XeroIdentityClient(http, XeroEnvironment.Read(context.Environment), TimeProvider.System).RefreshAsync(stored.RefreshToken, Ct);
        Assert.NotNull(grant.RefreshToken);
        Assert.Equal(1, _host!.State.RefreshTokenCalls);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_refuses_a_malformed_secret_before_opening_the_browser()
    {
        var context = await StartAsync();

        await Assert.ThrowsAsync<CliUsageException>(() => ConnectCommand.RunAsync(Parse("connect", "--port", "0", "--no-browser", "--secret", "projects/p/secrets/s/versions/1"), context, (_, _) => throw new InvalidOperationException("no browser expected"), Ct));
        Assert.Equal(0, _host!.State.AuthorizationCodeTokenCalls);
    }

    /// <summary>
    /// Secret Manager's addVersion and access for one secret, checking the request shapes connect and the store send;
    /// and Firestore's batchGet (every document missing) and commit, recording the documents the lease writes.
    /// </summary>
    private static async Task<WebApplication> StartSecretManagerAsync(string secret, List<(string Data, string Crc)> versions, List<string> violations, List<string>? leaseWrites = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost($"/v1/{secret}:addVersion", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var payload = body.RootElement.GetProperty("payload");
            var data = payload.GetProperty("data").GetString()!;
            var crc = payload.GetProperty("dataCrc32c").GetString()!;
            if (!request.ContentType!.StartsWith("application/json", StringComparison.Ordinal) || Convert.FromBase64String(data).Length == 0 || !long.TryParse(crc, out _))
            {
                violations.Add("addVersion shape");
            }

            lock (versions)
            {
                versions.Add((data, crc));
                return Results.Json(new Dictionary<string, string> { ["name"] = $"{secret}/versions/{versions.Count}", ["state"] = "ENABLED", ["etag"] = "\"e\"", ["createTime"] = "2026-03-01T09:00:00Z" });
            }
        });
        app.MapGet($"/v1/{secret}/versions", (HttpRequest request) =>
        {
            if (request.Query["filter"] == "state:DISABLED")
            {
                return Results.Json(new Dictionary<string, object> { ["versions"] = Array.Empty<object>() });
            }

            if (request.Query["filter"] != "state:ENABLED")
            {
                violations.Add("list without a state filter");
            }

            lock (versions)
            {
                return Results.Json(new Dictionary<string, object> { ["versions"] = versions.Select((_, i) => new Dictionary<string, string> { ["name"] = $"{secret}/versions/{i + 1}", ["state"] = "ENABLED", ["createTime"] = "2026-03-01T09:00:00Z" }).ToList() });
            }
        });
        app.MapGet($"/v1/{secret}/versions/latest:access", () =>
        {
            lock (versions)
            {
                return versions.Count == 0
                    ? Results.Json(new { error = new { code = 404, status = "NOT_FOUND", message = "no version" } }, statusCode: 404)
                    : Results.Json(new Dictionary<string, object> { ["name"] = $"{secret}/versions/{versions.Count}", ["payload"] = new Dictionary<string, string> { ["data"] = versions[^1].Data, ["dataCrc32c"] = versions[^1].Crc } });
            }
        });
        app.MapPost("/v1/projects/acme-xerosync/databases/{**rest}", async (HttpRequest request, string rest) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            if (rest == "(default)/documents:batchGet")
            {
                return Results.Json(body.RootElement.GetProperty("documents").EnumerateArray().Select(d => new Dictionary<string, string> { ["missing"] = d.GetString()!, ["readTime"] = now }).ToList());
            }

            if (rest == "(default)/documents:commit" && leaseWrites is not null)
            {
                var writes = body.RootElement.GetProperty("writes").EnumerateArray().ToList();
                lock (leaseWrites)
                {
                    leaseWrites.AddRange(writes.Where(w => w.TryGetProperty("update", out _)).Select(w => Uri.UnescapeDataString(w.GetProperty("update").GetProperty("name").GetString()!.Split("/documents/")[1])));
                }

                return Results.Json(new Dictionary<string, object> { ["commitTime"] = now, ["writeResults"] = writes.Select(_ => new Dictionary<string, string> { ["updateTime"] = now }).ToList() });
            }

            violations.Add("unexpected Firestore call " + rest);
            return Results.StatusCode(400);
        });
        app.MapFallback((HttpRequest request) =>
        {
            violations.Add($"unexpected {request.Method} {request.Path}{request.QueryString}");
            return Results.StatusCode(400);
        });
        await app.StartAsync();
        return app;
    }

    private static CliArguments Parse(params string[] args) => CliArguments.Parse(args, ConnectCommand.Options);

    private async Task<CliContext> StartAsync(Dictionary<string, string>? extra = null, bool newApp = false)
    {
        _host = await XeroSimulatorHost.StartAsync(new SimulatorOptions { Tenants = 2, Scale = 0.01, ClientSecret = "connect-test-secret", NewApp = newApp, JournalsScopeApproved = !newApp }, Ct);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["XERO_CLIENT_ID"] = _host.State.Options.ClientId,
            ["XERO_CLIENT_SECRET"] = _host.State.Options.ClientSecret,
            ["XERO_API_URL"] = _host.BaseUrl.ToString(),
            ["XERO_IDENTITY_URL"] = _host.BaseUrl.ToString(),
            ["XERO_LOGIN_URL"] = _host.BaseUrl.ToString(),
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

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
