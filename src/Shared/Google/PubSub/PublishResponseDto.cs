namespace XeroSync.Google.PubSub;

internal sealed record PublishResponseDto(IReadOnlyList<string>? MessageIds);
