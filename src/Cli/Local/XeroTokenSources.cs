using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Cli.Local;

/// <summary>
/// Picks how the local shape authenticates: a standard app's rotating refresh token when one is stored
/// under <c>{data}/tokens/</c> (by <c>connect</c>) or <c>XERO_REFRESH_TOKEN</c> is set; otherwise a custom
/// connection's client_credentials grant.
/// </summary>
public static class XeroTokenSources
{
    /// <summary>Whether <see cref="Create"/> would use a refresh token for this configuration.</summary>
    public static bool UsesRefreshToken(XeroOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrWhiteSpace(options.RefreshToken)
            || FileTokenStore.InDataFolder(dataDirectory).Exists(RefreshTokenSourceOptions.DefaultConnection);
    }

    /// <summary>The token source for <paramref name="options"/>; dispose it (both kinds are <see cref="IDisposable"/>).</summary>
    public static IAccessTokenSource Create(HttpClient http, XeroOptions options, string dataDirectory, ILeaseStore leases, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(time);
        if (!UsesRefreshToken(options, dataDirectory))
        {
            return new ClientCredentialsTokenSource(http, Options.Create(options), time, loggers.CreateLogger<ClientCredentialsTokenSource>());
        }

        return new RefreshTokenSource(
            http,
            Options.Create(options),
            new RefreshTokenSourceOptions { SeedRefreshToken = options.RefreshToken },
            FileTokenStore.InDataFolder(dataDirectory),
            leases,
            time,
            loggers.CreateLogger<RefreshTokenSource>());
    }
}
