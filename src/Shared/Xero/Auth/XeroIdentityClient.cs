using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// The identity calls of a Xero standard app: <c>POST {IdentityUrl}/connect/token</c> for the
/// authorization_code and refresh_token grants (client authentication by HTTP Basic), and
/// <c>GET {ApiUrl}/connections</c>. No retries here: the caller decides whether the same refresh token
/// may be sent again. Tokens and the client secret never appear in exception messages.
/// </summary>
public sealed class XeroIdentityClient
{
    private readonly HttpClient _http;
    private readonly XeroOptions _options;
    private readonly TimeProvider _time;

    public XeroIdentityClient(HttpClient http, XeroOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Exchanges <paramref name="refreshToken"/> for a new access token and a new refresh token.
    /// Throws <see cref="XeroApiException"/> (with <see cref="XeroApiException.Detail"/> = the OAuth error code,
    /// e.g. <c>invalid_grant</c>) when refused, and <see cref="HttpRequestException"/>, <see cref="IOException"/>
    /// or <see cref="TimeoutException"/> when the answer was lost.
    /// </summary>
    public Task<TokenGrant> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        return RequestTokenAsync("refresh_token", [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], cancellationToken);
    }

    /// <summary>Redeems an authorization code (PKCE S256) received on <paramref name="redirectUri"/>.</summary>
    public Task<TokenGrant> ExchangeCodeAsync(string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        return RequestTokenAsync(
            "authorization_code",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri.ToString()), new("code_verifier", codeVerifier)],
            cancellationToken);
    }

    /// <summary>The organisations <paramref name="accessToken"/> may read (<c>GET /connections</c>).</summary>
    public async Task<IReadOnlyList<XeroConnection>> GetConnectionsAsync(string accessToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ApiUrl, "connections"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new XeroApiException(
                (int)response.StatusCode >= 500 ? XeroFailure.Transient : XeroFailure.AccessDenied,
                (int)response.StatusCode,
                $"GET /connections failed with {(int)response.StatusCode}.");
        }

        var connections = await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.ListXeroConnection, cancellationToken);
        return connections ?? [];
    }

    private async Task<TokenGrant> RequestTokenAsync(string grant, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        if (!_options.HasClientCredentials)
        {
            throw new XeroApiException(XeroFailure.AccessDenied, null, "No Xero app credentials: set XERO_CLIENT_ID and XERO_CLIENT_SECRET.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.IdentityUrl, "connect/token"))
        {
            Content = new FormUrlEncodedContent(form),
        };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(_options.ClientId!)}:{Uri.EscapeDataString(_options.ClientSecret!)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);

        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var error = await TryReadErrorAsync(response, cancellationToken);
            var failure = status >= 500 ? XeroFailure.Transient : error == "invalid_request" ? XeroFailure.BadRequest : XeroFailure.AccessDenied;
            throw new XeroApiException(failure, status, $"Xero's identity server refused the {grant} grant ({status} {error ?? "no error code"}).")
            {
                Detail = error,
            };
        }

        TokenResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.TokenResponse, cancellationToken);
        }
        catch (JsonException ex)
        {
            // The server answered, so the grant may have been used: the caller treats this like a lost answer.
            throw new HttpRequestException($"Xero's {grant} response was not valid JSON.", ex);
        }

        if (string.IsNullOrEmpty(body?.AccessToken))
        {
            throw new HttpRequestException($"Xero's {grant} response had no access_token.");
        }

        var lifetime = TimeSpan.FromSeconds(body.ExpiresIn > 0 ? body.ExpiresIn : 1800);
        return new TokenGrant(body.AccessToken, string.IsNullOrEmpty(body.RefreshToken) ? null : body.RefreshToken, lifetime, body.Scope);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Xero's identity server did not answer within {_options.AttemptTimeout.TotalSeconds:0} s.", ex);
        }
    }

    private static async Task<string?> TryReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.TokenErrorResponse, cancellationToken);
            return error?.Error is { Length: > 0 and <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? code : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
