using System.Text.Json.Serialization;

namespace XeroSync.Worker.Edge;

/// <summary>
/// Eventarc <c>google.events.cloud.pubsub.v1.MessagePublishedData</c>; also the exact shape of a wrapped Pub/Sub push body.
/// </summary>
public sealed record MessagePublishedData
{
    [JsonPropertyName("message")]
    public PubSubMessageData? Message { get; init; }

    [JsonPropertyName("subscription")]
    public string? Subscription { get; init; }

    /// <summary>Present only when the subscription has a dead-letter policy; int64 strings accepted.</summary>
    [JsonPropertyName("deliveryAttempt")]
    public int? DeliveryAttempt { get => field ?? DeliveryAttemptSnakeCase; init; }

    [JsonInclude]
    [JsonPropertyName("delivery_attempt")]
    internal int? DeliveryAttemptSnakeCase { get; init; }
}
