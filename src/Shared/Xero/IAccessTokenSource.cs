namespace XeroSync.Xero;

/// <summary>
/// Supplies Xero access tokens: client_credentials for custom connections, a rotating refresh token
/// for standard apps.
/// </summary>
public interface IAccessTokenSource
{
    /// <summary>A valid access token; <paramref name="forceRefresh"/> after a 401 to get a new one.</summary>
    ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken);

    /// <summary>
    /// The scopes the current access token grants, once one was obtained; null when unknown (every endpoint is tried,
    /// and Xero's answer decides).
    /// </summary>
    GrantedScopes? Granted => null;
}
