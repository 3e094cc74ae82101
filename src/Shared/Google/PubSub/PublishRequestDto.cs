namespace XeroSync.Google.PubSub;

internal sealed record PublishRequestDto(IReadOnlyList<PubSubMessageDto> Messages);
