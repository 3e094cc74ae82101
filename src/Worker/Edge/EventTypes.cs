namespace XeroSync.Worker.Edge;

/// <summary>CloudEvent <c>type</c> values delivered by Eventarc.</summary>
public static class EventTypes
{
    /// <summary>Pub/Sub message published (data = <see cref="MessagePublishedData"/>).</summary>
    public const string PubSubMessagePublished = "google.cloud.pubsub.topic.v1.messagePublished";

    /// <summary>Cloud Storage object finalized (data = <see cref="StorageObjectData"/>).</summary>
    public const string StorageObjectFinalized = "google.cloud.storage.object.v1.finalized";
}
