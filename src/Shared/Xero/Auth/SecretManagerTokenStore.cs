using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using XeroSync.Google;
using XeroSync.Google.SecretManager;

namespace XeroSync.Xero;

/// <summary>
/// The cloud shape's token store: one Secret Manager secret holds one connection's token set, each write
/// a new version (JSON, CRC-32C checked both ways) and reads the <c>latest</c> one. Versions that were
/// superseded more than <see cref="Grace"/> ago are destroyed after each write, so only the current token
/// and, for Xero's 30-minute grace, the one before it exist. A version holding a bare refresh
/// token (added by hand with <c>gcloud secrets versions add</c>) is read as that token.
/// <see cref="RefreshTokenSource"/> serialises the writers with a Firestore lease.
/// </summary>
public sealed partial class SecretManagerTokenStore : ITokenStore
{
    /// <summary>How long Xero accepts a rotated refresh token again (developer.xero.com/faq/oauth2).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(30);

    private readonly SecretManagerClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<SecretManagerTokenStore> _logger;

    /// <param name="secret">The secret: a full name <c>projects/P/secrets/S</c> or an id in the client's project.</param>
    /// <param name="connection">The one connection this store serves (the refresher's lease is named after it).</param>
    public SecretManagerTokenStore(SecretManagerClient client, string secret, string connection, TimeProvider time, ILogger<SecretManagerTokenStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(connection);
        if (!IsValidSecret(secret))
        {
            throw new ArgumentException($"'{Identifiers.Printable(secret ?? string.Empty)}' is not a secret id or projects/PROJECT/secrets/SECRET.", nameof(secret));
        }

        _client = client;
        _time = time;
        _logger = logger;
        Secret = client.SecretName(secret);
        Connection = connection;
    }

    /// <summary>The secret's full name.</summary>
    public string Secret { get; }

    public string Connection { get; }

    /// <summary>A secret id (1-255 letters, digits, '-' or '_'), optionally as <c>projects/P/secrets/ID</c>.</summary>
    public static bool IsValidSecret(string? secret) => secret is not null && SecretPattern().IsMatch(secret);

    /// <summary>The id part of a secret name (the connection name the cloud shape uses for it).</summary>
    public static string SecretId(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return secret[(secret.LastIndexOf('/') + 1)..];
    }

    public async Task<StoredRefreshToken?> ReadAsync(string connection, CancellationToken cancellationToken)
    {
        RequireConnection(connection);
        SecretPayload payload;
        try
        {
            payload = await _client.AccessSecretVersionAsync(Secret, "latest", cancellationToken);
        }
        catch (GoogleApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // no secret or no version yet: `connect --secret` has not run
        }

        var text = Encoding.UTF8.GetString(payload.Data.Span).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (!text.StartsWith('{'))
        {
            // A bare refresh token added by hand: obtained "now" as far as anyone here knows.
            return new StoredRefreshToken(text, _time.GetUtcNow());
        }

        try
        {
            var token = JsonSerializer.Deserialize(text, XeroJsonContext.Default.StoredRefreshToken);
            return string.IsNullOrEmpty(token?.RefreshToken) ? null : token;
        }
        catch (JsonException ex)
        {
            // Names the version only: the content is a secret.
            throw new InvalidDataException($"Secret version {payload.VersionName} is neither a refresh token nor a token set; add a new version with `connect --secret {Secret}`.", ex);
        }
    }

    public async Task WriteAsync(string connection, StoredRefreshToken token, CancellationToken cancellationToken)
    {
        RequireConnection(connection);
        ArgumentNullException.ThrowIfNull(token);
        var data = JsonSerializer.SerializeToUtf8Bytes(token, XeroJsonContext.Default.StoredRefreshToken);
        var added = await _client.AddSecretVersionAsync(Secret, data, cancellationToken);
        Log.Stored(_logger, added.Name);

        // Durable already; destroying older versions must not fail the refresh.
        try
        {
            await DestroySupersededAsync(added, cancellationToken);
        }
        catch (Exception ex) when (ex is GoogleApiException or HttpRequestException or TaskCanceledException or FormatException)
        {
            Log.DestroyFailed(_logger, Secret, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Destroys every version older than <paramref name="current"/> (enabled, or disabled by hand or by an
    /// earlier release) whose successor was created more than <see cref="Grace"/> ago: once Xero's grace
    /// ends its refresh token is worthless, and a destroyed version's payload is gone for good. Returns the
    /// versions destroyed.
    /// </summary>
    public async Task<IReadOnlyList<string>> DestroySupersededAsync(SecretVersion current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var newest = VersionNumber(current.Name);
        var enabled = await _client.ListSecretVersionsAsync(Secret, "ENABLED", cancellationToken);
        var disabled = await _client.ListSecretVersionsAsync(Secret, "DISABLED", cancellationToken);
        var live = enabled.Concat(disabled)
            .Where(v => VersionNumber(v.Name) is > 0)
            .OrderBy(v => VersionNumber(v.Name))
            .ToList();
        var now = _time.GetUtcNow();
        var destroyed = new List<string>();
        for (var i = 0; i < live.Count - 1; i++)
        {
            var version = live[i];
            var successor = live[i + 1];
            if (VersionNumber(version.Name) >= newest || !TryParseTime(successor.CreateTime, out var supersededAt) || now < supersededAt + Grace)
            {
                continue;
            }

            await _client.DestroySecretVersionAsync(version.Name, version.Etag, cancellationToken);
            destroyed.Add(version.Name);
        }

        return destroyed;
    }

    private static long VersionNumber(string name) =>
        long.TryParse(name.AsSpan(name.LastIndexOf('/') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;

    private static bool TryParseTime(string? value, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private void RequireConnection(string connection)
    {
        if (!string.Equals(connection, Connection, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This token store holds connection '{Connection}' only (secret {Secret}).", nameof(connection));
        }
    }

    [GeneratedRegex(@"^(projects/[a-z0-9][a-z0-9.:-]{0,62}/secrets/)?[A-Za-z0-9_-]{1,255}\z")]
    private static partial Regex SecretPattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Stored the rotated Xero token set as secret version {Version}")]
        public static partial void Stored(ILogger logger, string version);

        [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Could not destroy superseded versions of {Secret} ({Error}); the next refresh tries again")]
        public static partial void DestroyFailed(ILogger logger, string secret, string error);
    }
}
