using XeroSync.Xero;

namespace XeroSync.Bench;

/// <summary>An access token fetched once before the page benchmark (the replayed page ignores it).</summary>
internal sealed class FixedTokenSource(string token) : IAccessTokenSource
{
    public ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken) => ValueTask.FromResult(token);
}
