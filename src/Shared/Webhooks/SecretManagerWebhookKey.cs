using System.Net;
using Microsoft.Extensions.Logging;
using XeroSync.Google;
using XeroSync.Google.SecretManager;

namespace XeroSync.Webhooks;

/// <summary>
/// The webhook key from Secret Manager (the latest version of <c>XEROSYNC_WEBHOOK_KEY_SECRET</c>), read through the API
/// and kept for five minutes (a missing one 30 s), so a key rotated in Xero's portal is in use within five minutes without a deploy. A
/// secret without a version means webhooks are not set up: every request is refused (401) until one is added.
/// </summary>
public sealed partial class SecretManagerWebhookKey(SecretManagerClient secrets, string secret, TimeProvider time, ILogger<SecretManagerWebhookKey> logger) : IWebhookKeySource
{
    public const string SecretVariable = "XEROSYNC_WEBHOOK_KEY_SECRET";

    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(5);

    /// <summary>A missing key is asked for again after this: a key just added is in use before Xero's intent-to-receive check.</summary>
    private static readonly TimeSpan KeptWhileMissing = TimeSpan.FromSeconds(30);
    private volatile CachedKey? _cached;

    public async ValueTask<string?> GetKeyAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } cached && now - cached.ReadAt < (cached.Key is null ? KeptWhileMissing : Kept))
        {
            return cached.Key;
        }

        string? key;
        try
        {
            var payload = await secrets.AccessSecretVersionAsync(secret, cancellationToken: cancellationToken);
            key = payload.Data.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(payload.Data.Span).Trim();
        }
        catch (GoogleApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.PreconditionFailed or HttpStatusCode.FailedDependency)
        {
            // No enabled version: webhooks are not set up yet.
            Log.NoKey(logger, (int)ex.StatusCode);
            key = null;
        }

        _cached = new CachedKey(string.IsNullOrEmpty(key) ? null : key, now);
        return _cached.Key;
    }

    private sealed record CachedKey(string? Key, DateTimeOffset ReadAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "No webhook key in Secret Manager ({Status}): webhook requests are refused until a version is added (docs/deploy.md)")]
        public static partial void NoKey(ILogger logger, int status);
    }
}
