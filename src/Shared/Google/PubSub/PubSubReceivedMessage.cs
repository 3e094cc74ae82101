namespace XeroSync.Google.PubSub;

/// <summary>A pulled message with its ack id. <see cref="DeliveryAttempt"/> is 0 unless a dead-letter policy is set.</summary>
public sealed record PubSubReceivedMessage(
    string AckId,
    string MessageId,
    ReadOnlyMemory<byte> Data,
    IReadOnlyDictionary<string, string> Attributes,
    string? PublishTime,
    string? OrderingKey,
    int DeliveryAttempt);
