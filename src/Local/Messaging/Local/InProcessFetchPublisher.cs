using XeroSync.Contracts;

namespace XeroSync.Messaging.Local;

/// <summary>Publishes FetchRequests onto the in-process queue (the local stand-in for the Pub/Sub topic).</summary>
public sealed class InProcessFetchPublisher(InProcessQueue<FetchRequest> queue) : IFetchRequestPublisher
{
    public Task PublishAsync(IReadOnlyList<FetchRequest> requests, CancellationToken cancellationToken) =>
        queue.PublishAsync(requests, cancellationToken).AsTask();
}
