namespace XeroSync.Webhooks;

/// <summary>Where a correctly signed notification goes: queued for a targeted read. Throws when it could not be queued (Xero retries).</summary>
public interface IWebhookSink
{
    Task AcceptAsync(WebhookNotification notification, CancellationToken cancellationToken);
}
