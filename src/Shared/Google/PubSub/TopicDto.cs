namespace XeroSync.Google.PubSub;

internal sealed record TopicDto(string? Name);
