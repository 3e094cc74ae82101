namespace XeroSync.Pipeline;

/// <summary>What the messaging edge should do with a message after its handler ran.</summary>
public sealed record HandlerOutcome
{
    private HandlerOutcome(HandlerOutcomeKind kind, string? reason, DateTimeOffset? retryAt)
    {
        Kind = kind;
        Reason = reason;
        RetryAt = retryAt;
    }

    public HandlerOutcomeKind Kind { get; }

    /// <summary>For retry and poison: why, in words safe to log.</summary>
    public string? Reason { get; }

    /// <summary>For retry: when trying again makes sense, if known.</summary>
    public DateTimeOffset? RetryAt { get; }

    public static HandlerOutcome Ack { get; } = new(HandlerOutcomeKind.Ack, null, null);

    /// <summary>Not for this handler (e.g. a finalize event of a page object): acknowledge, do nothing.</summary>
    public static HandlerOutcome Ignored { get; } = new(HandlerOutcomeKind.Ignored, null, null);

    public static HandlerOutcome Retry(string reason, DateTimeOffset? retryAt = null) => new(HandlerOutcomeKind.Retry, reason, retryAt);

    public static HandlerOutcome Poison(string reason) => new(HandlerOutcomeKind.Poison, reason, null);
}
