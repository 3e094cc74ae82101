namespace XeroSync.Google.PubSub;

internal sealed record PubSubMessageDto(
    string? Data,
    IReadOnlyDictionary<string, string>? Attributes,
    string? OrderingKey,
    string? MessageId = null,
    string? PublishTime = null);
