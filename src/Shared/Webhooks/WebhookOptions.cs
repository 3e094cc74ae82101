namespace XeroSync.Webhooks;

/// <summary>The webhook receiver's settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>Bodies longer than this are hashed but not kept: Xero's payloads are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long changes of one organisation and category are gathered before they are read (one call per batch of ids).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Watch the event sequence for lost events (kept in the webhook state store, shared by every instance).</summary>
    public bool DetectGaps { get; set; } = true;

    /// <summary>How long a hole in the event sequence may stay open (a payload late or retried) before it counts as lost.</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(30);
}
