namespace XeroSync.Webhooks;

/// <summary>The webhook receiver's settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>The environment variable holding the webhook key (cloud: from Secret Manager, see deploy/terraform/webhooks.tf).</summary>
    public const string KeyVariable = "XERO_WEBHOOK_KEY";

    /// <summary>The webhook key from Xero's developer portal (the app's Webhooks tab). Never logged.</summary>
    public string? Key { get; set; }

    /// <summary>Bodies longer than this are hashed but not kept: Xero's payloads are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long changes of one organisation and category are gathered before they are read (one call per batch of ids).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a hole in the event sequence may stay open (a payload late or retried) before it counts as lost.</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(30);
}
