namespace XeroSync.Google.PubSub;

internal sealed record RetryPolicyDto(string? MinimumBackoff, string? MaximumBackoff);
