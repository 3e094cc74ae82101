namespace XeroSync.Google.PubSub;

internal sealed record ReceivedMessageDto(string AckId, PubSubMessageDto Message, int? DeliveryAttempt);
