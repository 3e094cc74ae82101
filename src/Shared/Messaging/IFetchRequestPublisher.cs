using XeroSync.Contracts;

namespace XeroSync.Messaging;

/// <summary>Publishes fetch work: the in-process queue locally, the Pub/Sub topic in the cloud.</summary>
public interface IFetchRequestPublisher
{
    Task PublishAsync(IReadOnlyList<FetchRequest> requests, CancellationToken cancellationToken);
}
