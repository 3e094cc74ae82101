using System.ComponentModel.DataAnnotations;

namespace XeroSync.Xero;

/// <summary>Where Xero is and how to authenticate. Bound from <c>XERO_*</c> environment variables.</summary>
public sealed class XeroOptions : IValidatableObject
{
    public const string DefaultApiUrl = "https://api.xero.com";
    public const string DefaultIdentityUrl = "https://identity.xero.com";
    public const string DefaultLoginUrl = "https://login.xero.com/identity/";

    /// <summary><c>XERO_API_URL</c>: base URL of the API (connections and api.xro/2.0).</summary>
    public Uri ApiUrl { get; set; } = new(DefaultApiUrl);

    /// <summary><c>XERO_IDENTITY_URL</c>: base URL of the identity server (connect/token).</summary>
    public Uri IdentityUrl { get; set; } = new(DefaultIdentityUrl);

    /// <summary><c>XERO_LOGIN_URL</c>: base URL of the browser sign-in (connect/authorize), used by <c>connect</c>.</summary>
    public Uri LoginUrl { get; set; } = new(DefaultLoginUrl);

    /// <summary><c>XERO_CLIENT_ID</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>XERO_CLIENT_SECRET</c> (custom connection, client_credentials grant).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// <c>XERO_REFRESH_TOKEN</c> (standard app): seeds the token store when it holds nothing for the
    /// connection; ignored once a token is stored, because stored tokens rotate and this one does not.
    /// </summary>
    public string? RefreshToken { get; set; }

    /// <summary>Timeout of one HTTP attempt (<c>XERO_ATTEMPT_TIMEOUT_SECONDS</c>); waiting for a permit is not part of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of a page after 5xx, timeouts, connection errors or truncated bodies.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>Base delay of the jittered exponential back-off between retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Reads <c>XERO_ATTEMPT_TIMEOUT_SECONDS</c> (whole seconds, 1 to 600; unset or empty keeps 60 s) into
    /// <see cref="AttemptTimeout"/>. The one path the services and the CLI share; a bad value is returned as the
    /// problem to report at start (null when the value is good or absent).
    /// </summary>
    public string? ReadAttemptTimeout(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = environment("XERO_ATTEMPT_TIMEOUT_SECONDS");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 600)
        {
            AttemptTimeout = TimeSpan.FromSeconds(seconds);
            return null;
        }

        return $"XERO_ATTEMPT_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 600 (the timeout of one HTTP attempt to Xero); got '{Identifiers.Printable(value)}'.";
    }

    public bool HasClientCredentials => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, url) in new[] { ("XERO_API_URL", ApiUrl), ("XERO_IDENTITY_URL", IdentityUrl), ("XERO_LOGIN_URL", LoginUrl) })
        {
            if (!IsAllowed(url))
            {
                yield return new ValidationResult(
                    $"{name} must be an absolute https URL (plain http is accepted only for loopback hosts); got '{Identifiers.Printable(url?.ToString())}'.",
                    [name]);
            }
        }
    }

    /// <summary>https anywhere; http only for loopback hosts (the simulator).</summary>
    public static bool IsAllowed(Uri? url) =>
        url is { IsAbsoluteUri: true } &&
        (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
