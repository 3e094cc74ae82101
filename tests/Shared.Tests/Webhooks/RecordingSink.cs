using XeroSync.Webhooks;

namespace XeroSync.Tests.Webhooks;

/// <summary>Keeps what the receiver queued; can be told to fail.</summary>
internal sealed class RecordingSink : IWebhookSink
{
    public List<WebhookNotification> Accepted { get; } = [];

    public bool Fail { get; set; }

    public Task AcceptAsync(WebhookNotification notification, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new InvalidOperationException("queue unavailable");
        }

        Accepted.Add(notification);
        return Task.CompletedTask;
    }
}
