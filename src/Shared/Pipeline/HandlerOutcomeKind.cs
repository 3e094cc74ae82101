namespace XeroSync.Pipeline;

public enum HandlerOutcomeKind
{
    /// <summary>Done and durable: acknowledge.</summary>
    Ack,

    /// <summary>Nothing to do for this message: acknowledge.</summary>
    Ignored,

    /// <summary>Retryable failure: nack so the message is redelivered (and dead-lettered after N attempts).</summary>
    Retry,

    /// <summary>Malformed: acknowledge and record as poison; redelivery can never succeed.</summary>
    Poison,
}
