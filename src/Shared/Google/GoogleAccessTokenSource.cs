using Google.Apis.Auth.OAuth2;

namespace XeroSync.Google;

/// <summary>
/// OAuth access tokens for production Google endpoints: Application Default Credentials
/// (metadata server on Cloud Run, ADC locally) scoped to cloud-platform, created once and cached by the library.
/// </summary>
public sealed class GoogleAccessTokenSource
{
    /// <summary>The OAuth scope every client uses.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly Lazy<Task<ITokenAccess>> _credential;

    /// <summary>Uses Application Default Credentials, loaded on first use.</summary>
    public GoogleAccessTokenSource()
    {
        _credential = new Lazy<Task<ITokenAccess>>(LoadDefaultAsync);
    }

    /// <summary>Uses the given credential (tests, or an explicitly configured service account).</summary>
    public GoogleAccessTokenSource(ITokenAccess credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = new Lazy<Task<ITokenAccess>>(Task.FromResult(credential));
    }

    /// <summary>An access token for a request to <paramref name="uri"/>. Never log it.</summary>
    public async Task<string> GetAccessTokenAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var credential = await _credential.Value.WaitAsync(cancellationToken);
        return await credential.GetAccessTokenForRequestAsync(uri.ToString(), cancellationToken);
    }

    private static async Task<ITokenAccess> LoadDefaultAsync()
    {
        var credential = await GoogleCredential.GetApplicationDefaultAsync();
        return credential.CreateScoped(CloudPlatformScope);
    }
}
