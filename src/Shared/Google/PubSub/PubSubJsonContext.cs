using System.Text.Json.Serialization;

namespace XeroSync.Google.PubSub;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(PublishRequestDto))]
[JsonSerializable(typeof(PublishResponseDto))]
[JsonSerializable(typeof(PullRequestDto))]
[JsonSerializable(typeof(PullResponseDto))]
[JsonSerializable(typeof(AcknowledgeRequestDto))]
[JsonSerializable(typeof(TopicDto))]
[JsonSerializable(typeof(SubscriptionDto))]
internal sealed partial class PubSubJsonContext : JsonSerializerContext;
