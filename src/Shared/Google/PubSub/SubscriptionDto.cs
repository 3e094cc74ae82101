namespace XeroSync.Google.PubSub;

internal sealed record SubscriptionDto(
    string Topic,
    PushConfigDto? PushConfig,
    int? AckDeadlineSeconds,
    RetryPolicyDto? RetryPolicy,
    DeadLetterPolicyDto? DeadLetterPolicy,
    bool? EnableMessageOrdering,
    string? Name = null);
