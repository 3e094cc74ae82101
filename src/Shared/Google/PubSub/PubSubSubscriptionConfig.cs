namespace XeroSync.Google.PubSub;

/// <summary>A subscription to create. Push when <see cref="PushEndpoint"/> is set, pull otherwise.</summary>
/// <param name="Name">Subscription id or full name (<c>projects/p/subscriptions/s</c>).</param>
/// <param name="Topic">Topic id or full name.</param>
public sealed record PubSubSubscriptionConfig(string Name, string Topic)
{
    /// <summary>Push endpoint URL; null for a pull subscription.</summary>
    public Uri? PushEndpoint { get; init; }

    /// <summary>Unwrapped push (<c>noWrapper</c>): the body is the raw message data.</summary>
    public bool NoWrapper { get; init; }

    /// <summary>With <see cref="NoWrapper"/>: message metadata and attributes become HTTP headers.</summary>
    public bool WriteMetadata { get; init; }

    /// <summary>Service account whose OIDC token signs every push (<c>oidcToken.serviceAccountEmail</c>).</summary>
    public string? OidcServiceAccountEmail { get; init; }

    /// <summary>OIDC audience; defaults server-side to the push endpoint.</summary>
    public string? OidcAudience { get; init; }

    /// <summary>Ack deadline (10–600 s); for push also the request timeout.</summary>
    public int? AckDeadlineSeconds { get; init; }

    /// <summary>Retry policy minimum backoff (0–600 s).</summary>
    public TimeSpan? MinimumBackoff { get; init; }

    /// <summary>Retry policy maximum backoff (0–600 s).</summary>
    public TimeSpan? MaximumBackoff { get; init; }

    /// <summary>Dead-letter topic id or full name.</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>Dead-letter max delivery attempts (5–100).</summary>
    public int? MaxDeliveryAttempts { get; init; }

    /// <summary>Deliver messages with the same ordering key in order.</summary>
    public bool EnableMessageOrdering { get; init; }
}
