using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace XeroSync.Xero;

/// <summary>
/// Access tokens for a Xero custom connection (<c>grant_type=client_credentials</c>): no refresh token,
/// 30-minute tokens, fetched once and reused until a minute before expiry. One fetch at a time.
/// </summary>
public sealed partial class ClientCredentialsTokenSource(
    HttpClient http,
    IOptions<XeroOptions> options,
    TimeProvider time,
    ILogger<ClientCredentialsTokenSource> logger) : IAccessTokenSource, IDisposable
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expiresAt;

    /// <summary>The scopes the custom connection's token reports (configured in the app).</summary>
    public GrantedScopes? Granted { get; private set; }

    public async ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var stale = _token;
        if (!forceRefresh && stale is not null && time.GetUtcNow() < _expiresAt)
        {
            return stale;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (_token is not null && time.GetUtcNow() < _expiresAt && (!forceRefresh || !ReferenceEquals(_token, stale)))
            {
                return _token;
            }

            var (token, lifetime, scope) = await RequestTokenAsync(cancellationToken);
            Granted = GrantedScopes.From(scope, token);
            _token = token;
            _expiresAt = time.GetUtcNow() + lifetime - ExpiryMargin;
            Log.TokenObtained(logger, (int)lifetime.TotalSeconds);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<(string Token, TimeSpan Lifetime, string? Scope)> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.HasClientCredentials)
        {
            throw new XeroApiException(XeroFailure.AccessDenied, null, "No Xero credentials: set XERO_CLIENT_ID and XERO_CLIENT_SECRET.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.IdentityUrl, "connect/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(settings.ClientId!)}:{Uri.EscapeDataString(settings.ClientSecret!)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await TryReadErrorAsync(response, cancellationToken);
            var failure = (int)response.StatusCode >= 500 ? XeroFailure.Transient : XeroFailure.AccessDenied;
            throw new XeroApiException(
                failure,
                (int)response.StatusCode,
                $"Xero's identity server refused the client credentials ({(int)response.StatusCode} {error ?? "no error code"}). Check XERO_CLIENT_ID and XERO_CLIENT_SECRET, and that the custom connection is authorised.")
            { Detail = error };
        }

        var body = await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.TokenResponse, cancellationToken);
        if (string.IsNullOrEmpty(body?.AccessToken))
        {
            throw new XeroApiException(XeroFailure.Transient, (int)response.StatusCode, "Xero's token response had no access_token.");
        }

        var lifetime = TimeSpan.FromSeconds(body.ExpiresIn > 0 ? body.ExpiresIn : 1800);
        return (body.AccessToken, lifetime, body.Scope);
    }

    private static async Task<string?> TryReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.TokenErrorResponse, cancellationToken);
            return error?.Error is { Length: > 0 and <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? code : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Obtained a Xero access token valid for {Seconds} s")]
        public static partial void TokenObtained(ILogger logger, int seconds);
    }
}
