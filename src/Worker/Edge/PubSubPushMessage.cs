using System.Text;

namespace XeroSync.Worker.Edge;

/// <summary>One Pub/Sub message as delivered by push (wrapped or unwrapped) or by Eventarc messagePublished.</summary>
/// <param name="Data">Decoded message payload (raw bytes; empty when the message had attributes only).</param>
/// <param name="Attributes">Message attributes (never null; may be empty).</param>
/// <param name="MessageId">Pub/Sub message id (dedupe key; at-least-once delivery).</param>
/// <param name="PublishTime">Publish time when present.</param>
/// <param name="Subscription">Full subscription name (projects/p/subscriptions/s) when present.</param>
/// <param name="DeliveryAttempt">Delivery attempt when the subscription has a dead-letter policy (real service only).</param>
/// <param name="OrderingKey">Ordering key when present.</param>
public sealed record PubSubPushMessage(
    ReadOnlyMemory<byte> Data,
    IReadOnlyDictionary<string, string> Attributes,
    string MessageId,
    DateTimeOffset? PublishTime,
    string? Subscription,
    int? DeliveryAttempt,
    string? OrderingKey)
{
    /// <summary>The payload decoded as UTF-8 text.</summary>
    public string GetDataAsString() => Encoding.UTF8.GetString(Data.Span);
}
