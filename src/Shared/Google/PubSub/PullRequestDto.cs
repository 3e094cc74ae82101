namespace XeroSync.Google.PubSub;

internal sealed record PullRequestDto(int MaxMessages, bool? ReturnImmediately);
