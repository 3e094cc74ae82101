namespace XeroSync.Google.PubSub;

internal sealed record PullResponseDto(IReadOnlyList<ReceivedMessageDto>? ReceivedMessages);
