using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using XeroSync.Google;
using XeroSync.Google.Firestore;
using XeroSync.Google.SecretManager;
using XeroSync.Ledger.Firestore;
using XeroSync.Xero;

namespace XeroSync.Cli;

/// <summary>
/// <c>connect</c>: authorise a Xero standard app (authorization code + PKCE S256) through a loopback
/// redirect <c>http://127.0.0.1:{port}/callback</c>, store the refresh token under
/// <c>{data}/tokens/default.json</c> (owner-only) and list the connected organisations.
/// The redirect URI must be registered in the Xero app exactly (default port 5005).
/// With <c>--secret projects/P/secrets/S</c> the token set goes to that Secret Manager secret instead (a
/// new version), where the cloud services read and rotate it (<c>XEROSYNC_REFRESH_TOKEN_SECRET</c>).
/// </summary>
public static class ConnectCommand
{
    public const int DefaultPort = 5005;

    public static readonly TimeSpan CallbackTimeout = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["data-dir"] = true,
        ["port"] = true,
        ["scopes"] = true,
        ["journals"] = false,
        ["broad-scopes"] = false,
        ["secret"] = true,
        ["no-browser"] = false,
        ["verbose"] = false,
    };

    public static Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken) =>
        RunAsync(args, context, browser: null, cancellationToken);

    /// <param name="browser">Plays the browser (tests): receives the authorize URL. Null: print it, and launch a browser unless --no-browser.</param>
    internal static async Task<int> RunAsync(CliArguments args, CliContext context, Func<Uri, CancellationToken, Task>? browser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var dataDirectory = DataFolder.ForReading(args);
        var port = ParsePort(args.Value("port"));
        var scopes = ParseScopes(args.Value("scopes"), args.Has("journals"), args.Has("broad-scopes"));
        var secret = ParseSecret(args.Value("secret"), context.Environment);
        var xero = XeroEnvironment.Read(context.Environment);
        if (!xero.HasClientCredentials)
        {
            throw new CliUsageException("`connect` needs the Xero app's XERO_CLIENT_ID and XERO_CLIENT_SECRET (a Web app at developer.xero.com).");
        }

        var callback = new TaskCompletionSource<IQueryCollection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartListenerAsync(port, callback, cancellationToken);
        var redirectUri = CallbackUri(listener);
        var verifier = XeroAuthorizeRequest.CreateCodeVerifier();
        var state = XeroAuthorizeRequest.CreateState();
        var authorizeUrl = XeroAuthorizeRequest.BuildUrl(xero.LoginUrl, xero.ClientId!, redirectUri, scopes, state, XeroAuthorizeRequest.CodeChallenge(verifier));

        context.Console.MarkupLine(Markup.Escape($"Waiting for Xero on {redirectUri} (it must be a redirect URI of the Xero app). Open this URL and approve access:"));
        context.Console.Profile.Out.Writer.WriteLine(authorizeUrl.AbsoluteUri); // unwrapped, so it can be copied whole
        var browsing = Task.CompletedTask;
        if (browser is not null)
        {
            browsing = browser(authorizeUrl, cancellationToken);
        }
        else if (!args.Has("no-browser"))
        {
            TryLaunchBrowser(authorizeUrl);
        }

        IQueryCollection query;
        try
        {
            query = await callback.Task.WaitAsync(CallbackTimeout, context.Time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new CliUsageException($"No answer from Xero on {redirectUri} within {CallbackTimeout.TotalMinutes:0} minutes. Run `connect` again.", ex);
        }

        await browsing;
        var code = CheckCallback(query, state);

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("xerosync/1.0");
        var identity = new XeroIdentityClient(http, xero, context.Time);
        TokenGrant grant;
        try
        {
            grant = await identity.ExchangeCodeAsync(code, redirectUri, verifier, cancellationToken);
        }
        catch (XeroApiException ex) when (ex.Detail == "invalid_scope")
        {
            throw new CliUsageException(InvalidScopeMessage(scopes), ex);
        }

        if (grant.RefreshToken is null)
        {
            throw new CliUsageException("Xero granted no refresh token: include the offline_access scope.");
        }

        var now = context.Time.GetUtcNow();
        var tokenSet = new StoredRefreshToken(grant.RefreshToken, now) { AccessToken = grant.AccessToken, AccessTokenExpiresAt = now + grant.Lifetime, Scope = grant.Scope };
        if (secret is not null)
        {
            await StoreInSecretManagerAsync(secret, tokenSet, context, cancellationToken);
            context.Console.MarkupLine(Markup.Escape($"Connected. The refresh token is stored as a new version of {secret}; services with XEROSYNC_REFRESH_TOKEN_SECRET={secret} use and rotate it."));
        }
        else
        {
            var store = FileTokenStore.InDataFolder(dataDirectory);
            await store.WriteAsync(RefreshTokenSourceOptions.DefaultConnection, tokenSet, cancellationToken);
            context.Console.MarkupLine(Markup.Escape($"Connected. The refresh token is stored in {store.PathOf(RefreshTokenSourceOptions.DefaultConnection)} (owner-only); `sync --data-dir {dataDirectory}` uses it."));
        }

        var connections = await identity.GetConnectionsAsync(grant.AccessToken, cancellationToken);
        var table = new Table().AddColumns("Organisation", "Tenant id", "Type");
        foreach (var connection in connections)
        {
            table.AddRow(Markup.Escape(Identifiers.Printable(connection.TenantName)), Markup.Escape(Identifiers.Printable(connection.TenantId)), Markup.Escape(Identifiers.Printable(connection.TenantType)));
        }

        context.Console.Write(table);
        context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{connections.Count} organisation(s) connected.")));
        if (GrantedScopes.From(grant.Scope, grant.AccessToken) is { } granted)
        {
            context.Console.MarkupLine(Markup.Escape($"Granted: {granted}."));
            var missing = EndpointCatalog.All.Where(e => !granted.Grants(e)).Select(e => $"{e.Name} ({XeroScopes.RequiredFor(e)})").ToList();
            if (missing.Count > 0)
            {
                context.Console.MarkupLine(Markup.Escape($"`sync` will skip what these scopes do not grant: {string.Join(", ", missing)}."));
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>The full secret name from <c>--secret</c> (an id needs GOOGLE_CLOUD_PROJECT), or null.</summary>
    private static string? ParseSecret(string? value, Func<string, string?> environment)
    {
        if (value is null)
        {
            return null;
        }

        if (!SecretManagerTokenStore.IsValidSecret(value))
        {
            throw new CliUsageException($"--secret is projects/PROJECT/secrets/SECRET (or a secret id with GOOGLE_CLOUD_PROJECT set); got '{Identifiers.Printable(value)}'.");
        }

        if (value.StartsWith("projects/", StringComparison.Ordinal))
        {
            return value;
        }

        var project = environment("GOOGLE_CLOUD_PROJECT");
        return string.IsNullOrWhiteSpace(project)
            ? throw new CliUsageException("--secret names a secret id only: set GOOGLE_CLOUD_PROJECT or pass projects/PROJECT/secrets/SECRET.")
            : $"projects/{project}/secrets/{value}";
    }

    /// <summary>
    /// Writes the first token set as a new secret version under the refreshers' Firestore lease, with Application
    /// Default Credentials (or SECRETMANAGER_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST).
    /// </summary>
    private static async Task StoreInSecretManagerAsync(string secret, StoredRefreshToken token, CliContext context, CancellationToken cancellationToken)
    {
        var project = secret.Split('/')[1];
        var services = new ServiceCollection();
        services.AddSingleton(context.Loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(context.Time);
        services.AddGoogleRestClients(project, context.Environment);
        await using var provider = services.BuildServiceProvider();
        var connection = SecretManagerTokenStore.SecretId(secret);
        var store = new SecretManagerTokenStore(
            provider.GetRequiredService<SecretManagerClient>(),
            secret,
            connection,
            context.Time,
            context.Loggers.CreateLogger<SecretManagerTokenStore>());

        // The refreshers' lease (Firestore, the services' XEROSYNC_FIRESTORE_PREFIX): never written mid-refresh.
        var leases = new FirestoreLeaseStore(provider.GetRequiredService<FirestoreClient>(), context.Time, context.Environment("XEROSYNC_FIRESTORE_PREFIX") ?? string.Empty);
        var options = new RefreshTokenSourceOptions { Connection = connection, LeaseWait = TimeSpan.FromMinutes(2) };
        await ConnectionTokenWriter.StoreAsync(store, leases, options, token, context.Time, context.Loggers.CreateLogger<SecretManagerTokenStore>(), cancellationToken);
    }

    private static string CheckCallback(IQueryCollection query, string expectedState)
    {
        if (query.TryGetValue("error", out var error) && error.ToString() == "invalid_scope")
        {
            throw new CliUsageException(InvalidScopeMessage(query["scope"].ToString()));
        }

        if (query.TryGetValue("error", out error))
        {
            throw new CliUsageException($"Xero did not authorise the app ({Identifiers.Printable(error.ToString())}). Run `connect` again.");
        }

        var state = query["state"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(expectedState)))
        {
            throw new CliUsageException("The callback's state does not match this `connect` (a stale browser tab or a forged request); nothing was stored. Run `connect` again.");
        }

        var code = query["code"].ToString();
        return string.IsNullOrEmpty(code) ? throw new CliUsageException("The callback carried no authorization code. Run `connect` again.") : code;
    }

    private static async Task<WebApplication> StartListenerAsync(int port, TaskCompletionSource<IQueryCollection> callback, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ConnectCommand).Assembly.GetName().Name, Args = [] });
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/callback", (HttpContext http) =>
        {
            var first = callback.TrySetResult(http.Request.Query);
            return Results.Text(
                first ? "Xero answered. You can close this window and return to the terminal." : "This sign-in was already handled.",
                "text/plain; charset=utf-8");
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"Cannot listen on 127.0.0.1:{port} ({ex.Message}). Pick another --port and register its redirect URI in the Xero app."), ex);
        }

        return app;
    }

    private static Uri CallbackUri(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        var bound = new Uri(address);
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{bound.Port}/callback"));
    }

    private static int ParsePort(string? value)
    {
        if (value is null)
        {
            return DefaultPort;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new CliUsageException($"--port must be 0-65535 (0: any free port, for tests); got '{Identifiers.Printable(value)}'.");
    }

    /// <summary>What to do when Xero refuses the scopes: which of them a new app may not ask for.</summary>
    private static string InvalidScopeMessage(string scopes)
    {
        var asked = scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hint = asked.Contains(XeroScopes.BroadTransactions) || asked.Contains("accounting.transactions") || asked.Contains(XeroScopes.BroadReports)
            ? " Apps created from 2 March 2026 cannot ask for the broad accounting.transactions and accounting.reports scopes: run `connect` without --broad-scopes (the granular scopes are the default)."
            : string.Empty;
        if (asked.Contains(XeroScopes.Journals))
        {
            hint += $" {XeroScopes.Journals} needs Xero's approval (Advanced tier): run `connect` without --journals unless Xero approved the app for it.";
        }

        return $"Xero refused the requested scopes (invalid_scope).{hint} Requested: {Identifiers.Printable(scopes)}.";
    }

    private static string ParseScopes(string? value, bool journals, bool broad)
    {
        if (value is null)
        {
            IEnumerable<string> defaults = broad ? XeroScopes.Broad : XeroScopes.Granular;
            return string.Join(' ', journals ? defaults.Append(XeroScopes.Journals) : defaults);
        }

        if (journals || broad)
        {
            throw new CliUsageException("--scopes names every scope itself: use it without --journals and --broad-scopes.");
        }

        var scopes = value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || scopes.Any(s => !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            throw new CliUsageException($"--scopes is a comma- or space-separated list of Xero scopes; got '{Identifiers.Printable(value)}'.");
        }

        if (!scopes.Contains("offline_access"))
        {
            scopes.Insert(0, "offline_access"); // without it Xero grants no refresh token
        }

        return string.Join(' ', scopes);
    }

    private static void TryLaunchBrowser(Uri url)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            // No browser here (a server, a container): the printed URL is enough.
        }
    }
}
