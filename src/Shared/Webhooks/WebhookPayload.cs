using System.Text.Json.Serialization;

namespace XeroSync.Webhooks;

/// <summary>
/// A Xero webhook POST body: the events and the sequence numbers of the first and last of them (the intent-to-receive
/// requests carry no events and sequence 0), and random text.
/// </summary>
public sealed record WebhookPayload
{
    [JsonPropertyName("events")]
    public IReadOnlyList<WebhookEvent>? Events { get; init; }

    [JsonPropertyName("firstEventSequence")]
    public long? FirstEventSequence { get; init; }

    [JsonPropertyName("lastEventSequence")]
    public long? LastEventSequence { get; init; }

    [JsonPropertyName("entropy")]
    public string? Entropy { get; init; }
}
