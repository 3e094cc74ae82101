namespace XeroSync.Webhooks;

/// <summary>A key given at start (locally: the <c>XERO_WEBHOOK_KEY</c> environment variable).</summary>
public sealed class FixedWebhookKey(string? key) : IWebhookKeySource
{
    public ValueTask<string?> GetKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(string.IsNullOrEmpty(key) ? null : key);
}
