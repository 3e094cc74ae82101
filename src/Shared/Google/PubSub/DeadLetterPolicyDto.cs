namespace XeroSync.Google.PubSub;

internal sealed record DeadLetterPolicyDto(string DeadLetterTopic, int? MaxDeliveryAttempts);
