using System.Net.Http.Headers;

namespace XeroSync.Google;

/// <summary>
/// Attaches credentials: a cloud-platform access token for production endpoints; nothing for emulators,
/// except <c>Bearer owner</c> for the Firestore emulator (it grants admin access and bypasses rules).
/// </summary>
public sealed class GoogleAuthHandler : DelegatingHandler
{
    private readonly GoogleEndpoint _endpoint;
    private readonly GoogleAccessTokenSource? _tokens;

    public GoogleAuthHandler(GoogleEndpoint endpoint, GoogleAccessTokenSource? tokens)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsEmulator && tokens is null)
        {
            throw new ArgumentNullException(nameof(tokens), "A production endpoint needs a token source.");
        }

        _endpoint = endpoint;
        _tokens = tokens;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_endpoint.IsEmulator)
        {
            if (_endpoint.Service == GoogleService.Firestore)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
            }
        }
        else if (_tokens is not null && request.RequestUri is not null)
        {
            var token = await _tokens.GetAccessTokenAsync(request.RequestUri, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
