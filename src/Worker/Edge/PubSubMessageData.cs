using System.Text.Json.Serialization;

namespace XeroSync.Worker.Edge;

/// <summary>
/// The <c>message</c> object of a wrapped push body or of Eventarc <see cref="MessagePublishedData"/>.
/// Accepts camelCase and snake_case spellings (camelCase wins when both are present); <c>@type</c> is ignored.
/// </summary>
public sealed record PubSubMessageData
{
    /// <summary>Base64 payload as sent (decode with <see cref="EventDataParser.ToPushMessage(MessagePublishedData)"/>).</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    [JsonPropertyName("attributes")]
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    [JsonPropertyName("messageId")]
    public string? MessageId { get => field ?? MessageIdSnakeCase; init; }

    [JsonPropertyName("publishTime")]
    public DateTimeOffset? PublishTime { get => field ?? PublishTimeSnakeCase; init; }

    [JsonPropertyName("orderingKey")]
    public string? OrderingKey { get => field ?? OrderingKeySnakeCase; init; }

    [JsonInclude]
    [JsonPropertyName("message_id")]
    internal string? MessageIdSnakeCase { get; init; }

    [JsonInclude]
    [JsonPropertyName("publish_time")]
    internal DateTimeOffset? PublishTimeSnakeCase { get; init; }

    [JsonInclude]
    [JsonPropertyName("ordering_key")]
    internal string? OrderingKeySnakeCase { get; init; }
}
