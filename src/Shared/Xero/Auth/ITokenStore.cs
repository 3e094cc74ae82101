namespace XeroSync.Xero;

/// <summary>
/// Where a standard app's rotating refresh token lives between runs: a local file now, Secret Manager in
/// the cloud. One token set per connection name; writes replace the whole set.
/// </summary>
public interface ITokenStore
{
    /// <summary>The stored token set of <paramref name="connection"/>, or null when there is none.</summary>
    Task<StoredRefreshToken?> ReadAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Replaces the token set of <paramref name="connection"/>; durable when the task completes.</summary>
    Task WriteAsync(string connection, StoredRefreshToken token, CancellationToken cancellationToken);
}
