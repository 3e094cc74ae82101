using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Ledger;

namespace XeroSync.Xero;

/// <summary>
/// Access tokens for a Xero standard app from a rotating refresh token. The access token is cached in
/// memory until a minute before expiry. A refresh runs under the cross-process lease
/// <c>xero-refresh:{connection}</c>: re-read the store (another process may have refreshed already, and
/// its still-valid access token is used instead of refreshing again), call <c>connect/token</c>, and
/// write the rotated refresh token to the store <em>before</em> the access token is handed out. The lease
/// is renewed while the call runs, and the write is fenced: it happens only while the lease has been held
/// without a gap and the store still holds the refresh token the call spent (<see cref="RefreshLease"/>).
/// A lost answer is retried with the same refresh token, which Xero accepts again for 30 minutes.
/// </summary>
public sealed partial class RefreshTokenSource : IAccessTokenSource, IDisposable
{
    /// <summary>What <c>invalid_grant</c> means and what to do about it.</summary>
    public const string InvalidGrantMessage =
        "Xero refused the stored refresh token (invalid_grant): it was revoked, expired after 60 days unused, " +
        "or already rotated by another client. Run `dotnet run --project src/Cli -- connect` to authorise again.";

    /// <summary>The lease name prefix; the lease of a connection is <c>xero-refresh:{connection}</c>.</summary>
    public const string LeasePrefix = "xero-refresh:";

    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    private readonly XeroIdentityClient _identity;
    private readonly RefreshTokenSourceOptions _options;
    private readonly ITokenStore _store;
    private readonly ILeaseStore _leases;
    private readonly TimeProvider _time;
    private readonly ILogger<RefreshTokenSource> _logger;
    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _usableUntil;

    public RefreshTokenSource(
        HttpClient http,
        IOptions<XeroOptions> xero,
        RefreshTokenSourceOptions options,
        ITokenStore store,
        ILeaseStore leases,
        TimeProvider time,
        ILogger<RefreshTokenSource> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(xero);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(options.Connection);
        _identity = new XeroIdentityClient(http, xero.Value, time);
        _options = options;
        _store = store;
        _leases = leases;
        _time = time;
        _logger = logger;
        LeaseName = RefreshLease.NameOf(options.Connection);
    }

    /// <summary>The cross-process lease this source takes while refreshing.</summary>
    public string LeaseName { get; }

    /// <summary>Delay before re-sending a refresh whose answer was lost (zero in tests).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The scopes the current access token grants (from Xero's token response, or the token's claims).</summary>
    public GrantedScopes? Granted { get; private set; }

    public async ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var stale = _token;
        if (!forceRefresh && stale is not null && _time.GetUtcNow() < _usableUntil)
        {
            return stale;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller in this process may have refreshed while this one waited.
            if (_token is not null && _time.GetUtcNow() < _usableUntil && (!forceRefresh || !ReferenceEquals(_token, stale)))
            {
                return _token;
            }

            var (token, expiresAt) = await RefreshUnderLeaseAsync(forceRefresh ? stale : null, cancellationToken);
            _token = token;
            _usableUntil = expiresAt - ExpiryMargin;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <param name="rejected">The access token the caller found not to work (never handed out again), if any.</param>
    private async Task<(string Token, DateTimeOffset ExpiresAt)> RefreshUnderLeaseAsync(string? rejected, CancellationToken cancellationToken)
    {
        // A second pass only after this process lost its lease mid-refresh and another writer stored a
        // newer token set: that set is read and used (or refreshed) like any other.
        for (var pass = 1; ; pass++)
        {
            if (await TryRefreshUnderLeaseAsync(rejected, cancellationToken) is { } result)
            {
                return result;
            }

            if (pass >= 2)
            {
                throw new XeroApiException(
                    XeroFailure.Transient,
                    null,
                    $"The Xero token of connection '{_options.Connection}' was rotated by another process twice while this one refreshed it; try again shortly.");
            }
        }
    }

    /// <returns>Null when the fence refused the write (another writer's token set stays stored).</returns>
    private async Task<(string Token, DateTimeOffset ExpiresAt)?> TryRefreshUnderLeaseAsync(string? rejected, CancellationToken cancellationToken)
    {
        await using var lease = await RefreshLease.AcquireAsync(_leases, _options, _owner, _time, _logger, cancellationToken);
        var stored = await ReadOrSeedAsync(cancellationToken);

        // Another process refreshed while this one waited for the lease: use its access token.
        if (stored.AccessToken is { Length: > 0 } access && stored.AccessTokenExpiresAt is { } storedExpiry
            && _time.GetUtcNow() < storedExpiry - ExpiryMargin && !string.Equals(access, rejected, StringComparison.Ordinal))
        {
            var secondsLeft = (int)(storedExpiry - _time.GetUtcNow()).TotalSeconds;
            Log.UsingStoredAccessToken(_logger, _options.Connection, secondsLeft);
            Granted = GrantedScopes.From(stored.Scope, access);
            return (access, storedExpiry);
        }

        var grant = await RefreshAsync(stored.RefreshToken, cancellationToken);
        var now = _time.GetUtcNow();
        var rotated = grant.RefreshToken is not null && !string.Equals(grant.RefreshToken, stored.RefreshToken, StringComparison.Ordinal);
        var next = new StoredRefreshToken(rotated ? grant.RefreshToken! : stored.RefreshToken, rotated ? now : stored.ObtainedAt)
        {
            PreviousRefreshToken = rotated ? stored.RefreshToken : stored.PreviousRefreshToken,
            ReplacedAt = rotated ? now : stored.ReplacedAt,
            AccessToken = grant.AccessToken,
            AccessTokenExpiresAt = now + grant.Lifetime,
            Scope = grant.Scope,
        };

        // The fence, not cancellable (the old token is already spent): still holding the lease without a
        // gap, and the store still holding the refresh token this call spent. Otherwise another writer
        // stored a newer set meanwhile, and writing this one over it would lose that set's refresh token
        // once Xero's 30-minute grace for the spent one ends.
        if (!await lease.ConfirmAsync(CancellationToken.None) || !await StillStoredAsync(stored.RefreshToken))
        {
            Log.FencedOut(_logger, _options.Connection);
            return null;
        }

        // Persist the rotated token before anything uses the access token.
        await _store.WriteAsync(_options.Connection, next, CancellationToken.None);
        Log.Refreshed(_logger, _options.Connection, (int)grant.Lifetime.TotalSeconds, rotated);
        Granted = GrantedScopes.From(grant.Scope, grant.AccessToken);
        return (grant.AccessToken, now + grant.Lifetime);
    }

    private async Task<bool> StillStoredAsync(string spentRefreshToken)
    {
        var current = await _store.ReadAsync(_options.Connection, CancellationToken.None);
        return current is not null && string.Equals(current.RefreshToken, spentRefreshToken, StringComparison.Ordinal);
    }

    private async Task<StoredRefreshToken> ReadOrSeedAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(_options.Connection, cancellationToken);
        if (stored is null && !string.IsNullOrWhiteSpace(_options.SeedRefreshToken))
        {
            stored = new StoredRefreshToken(_options.SeedRefreshToken.Trim(), _time.GetUtcNow());
            await _store.WriteAsync(_options.Connection, stored, cancellationToken);
            Log.Seeded(_logger, _options.Connection);
        }

        return stored ?? throw new XeroApiException(
            XeroFailure.AccessDenied,
            null,
            $"No Xero refresh token is stored for connection '{_options.Connection}'. Run `dotnet run --project src/Cli -- connect` to authorise, or set XERO_REFRESH_TOKEN once.");
    }

    private async Task<TokenGrant> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _identity.RefreshAsync(refreshToken, cancellationToken);
            }
            catch (XeroApiException ex) when (string.Equals(ex.Detail, "invalid_grant", StringComparison.Ordinal))
            {
                Log.InvalidGrant(_logger, _options.Connection);
                throw new XeroApiException(XeroFailure.AccessDenied, ex.StatusCode, InvalidGrantMessage, ex) { Detail = ex.Detail };
            }
            catch (Exception ex) when (IsLostAnswer(ex, cancellationToken))
            {
                if (attempt >= _options.MaxSendAttempts)
                {
                    Log.RefreshFailed(_logger, _options.Connection, attempt, ex.GetType().Name);
                    throw new XeroApiException(
                        XeroFailure.Transient,
                        (ex as XeroApiException)?.StatusCode,
                        $"Xero's identity server did not answer the token refresh of connection '{_options.Connection}' after {attempt} attempt(s). " +
                        "The stored refresh token is unchanged and Xero accepts it again for 30 minutes: try again shortly.",
                        ex);
                }

                // The server may have rotated the token without us seeing the answer; within the grace
                // period the same refresh token yields the same new pair.
                Log.AnswerLost(_logger, _options.Connection, attempt, ex.GetType().Name);
                await Task.Delay(RetryDelay * attempt, _time, cancellationToken);
            }
        }
    }

    private static bool IsLostAnswer(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        XeroApiException api => api.Failure == XeroFailure.Transient,
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Refreshed the Xero token of connection {Connection}: access token valid for {Seconds} s, refresh token rotated: {Rotated}")]
        public static partial void Refreshed(ILogger logger, string connection, int seconds, bool rotated);

        [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "Using the access token another process obtained for connection {Connection} ({Seconds} s left)")]
        public static partial void UsingStoredAccessToken(ILogger logger, string connection, int seconds);

        [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Did not store the token set refreshed for connection {Connection}: this process lost its lease meanwhile or another process stored a newer set; using the stored one")]
        public static partial void FencedOut(ILogger logger, string connection);

        [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Seeded the token store for connection {Connection} from the configured refresh token")]
        public static partial void Seeded(ILogger logger, string connection);

        [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "The token refresh of connection {Connection} got no answer (attempt {Attempt}, {Error}); sending the same refresh token again")]
        public static partial void AnswerLost(ILogger logger, string connection, int attempt, string error);

        [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "The token refresh of connection {Connection} got no answer after {Attempts} attempt(s) ({Error})")]
        public static partial void RefreshFailed(ILogger logger, string connection, int attempts, string error);

        [LoggerMessage(EventId = 116, Level = LogLevel.Error, Message = "Xero refused the stored refresh token of connection {Connection} (invalid_grant): run `connect` to authorise again")]
        public static partial void InvalidGrant(ILogger logger, string connection);
    }
}
