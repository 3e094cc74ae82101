namespace XeroSync.Google.PubSub;

internal sealed record AcknowledgeRequestDto(IReadOnlyList<string> AckIds);
