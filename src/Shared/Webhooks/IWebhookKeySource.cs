namespace XeroSync.Webhooks;

/// <summary>The webhook key the signatures are checked with (null: none configured, every request is refused). Never logged.</summary>
public interface IWebhookKeySource
{
    ValueTask<string?> GetKeyAsync(CancellationToken cancellationToken);
}
