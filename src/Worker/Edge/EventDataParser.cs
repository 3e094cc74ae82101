using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CloudNative.CloudEvents;

namespace XeroSync.Worker.Edge;

/// <summary>Typed views of Eventarc CloudEvent data, and the mapping of Pub/Sub data to <see cref="PubSubPushMessage"/>.</summary>
public static class EventDataParser
{
    /// <summary>
    /// Parses the data of a storage event (does not check the event type). Data may be a <see cref="JsonElement"/>,
    /// bytes or a string. Poison when absent, not JSON, or without bucket/name.
    /// </summary>
    public static DecodeResult<StorageObjectData> ParseStorageObject(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var parsed = Deserialize(cloudEvent, EdgeJsonContext.Default.StorageObjectData);
        if (parsed.IsPoison)
        {
            return parsed;
        }

        return string.IsNullOrEmpty(parsed.Value.Bucket) || string.IsNullOrEmpty(parsed.Value.Name)
            ? DecodeResult.Poison<StorageObjectData>("storage object data lacks bucket or name")
            : parsed;
    }

    /// <summary>Parses the data of a messagePublished event (does not check the event type).</summary>
    public static DecodeResult<MessagePublishedData> ParseMessagePublished(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var parsed = Deserialize(cloudEvent, EdgeJsonContext.Default.MessagePublishedData);
        if (parsed.IsPoison)
        {
            return parsed;
        }

        return parsed.Value.Message is null
            ? DecodeResult.Poison<MessagePublishedData>("messagePublished data lacks 'message'")
            : parsed;
    }

    /// <summary>
    /// Maps an Eventarc <see cref="EventTypes.PubSubMessagePublished"/> CloudEvent to the same message a push
    /// delivers. messageId falls back to the CloudEvent id, publishTime to the CloudEvent time.
    /// Poison for another event type or bad data.
    /// </summary>
    public static DecodeResult<PubSubPushMessage> ToPushMessage(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        if (!string.Equals(cloudEvent.Type, EventTypes.PubSubMessagePublished, StringComparison.Ordinal))
        {
            return DecodeResult.Poison<PubSubPushMessage>($"CloudEvent type '{cloudEvent.Type}' is not {EventTypes.PubSubMessagePublished}");
        }

        var parsed = ParseMessagePublished(cloudEvent);
        if (parsed.IsPoison)
        {
            return DecodeResult.Poison<PubSubPushMessage>(parsed.PoisonReason);
        }

        var message = parsed.Value.Message!;
        message = message with
        {
            MessageId = message.MessageId ?? cloudEvent.Id,
            PublishTime = message.PublishTime ?? cloudEvent.Time,
        };
        return ToPushMessage(parsed.Value with { Message = message });
    }

    /// <summary>
    /// Maps a wrapped push envelope / MessagePublishedData to a message: requires message and messageId, decodes
    /// base64 data (standard or URL-safe), allows missing data when attributes are present.
    /// </summary>
    public static DecodeResult<PubSubPushMessage> ToPushMessage(MessagePublishedData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var message = data.Message;
        if (message is null)
        {
            return DecodeResult.Poison<PubSubPushMessage>("missing 'message' in push envelope");
        }

        if (string.IsNullOrEmpty(message.MessageId))
        {
            return DecodeResult.Poison<PubSubPushMessage>("missing message.messageId");
        }

        var bytes = Array.Empty<byte>();
        if (!string.IsNullOrEmpty(message.Data) && !TryDecodeBase64(message.Data, out bytes))
        {
            return DecodeResult.Poison<PubSubPushMessage>("message.data is not valid base64");
        }

        var attributes = message.Attributes ?? new Dictionary<string, string>(StringComparer.Ordinal);
        if (bytes.Length == 0 && attributes.Count == 0)
        {
            return DecodeResult.Poison<PubSubPushMessage>("message has neither data nor attributes");
        }

        return DecodeResult.Success(new PubSubPushMessage(
            bytes,
            attributes,
            message.MessageId,
            message.PublishTime,
            data.Subscription,
            data.DeliveryAttempt,
            message.OrderingKey));
    }

    private static DecodeResult<T> Deserialize<T>(CloudEvent cloudEvent, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        T? value;
        try
        {
            value = cloudEvent.Data switch
            {
                null => null,
                JsonElement element => element.Deserialize(typeInfo),
                byte[] bytes => DeserializeBytes(bytes, typeInfo),
                ReadOnlyMemory<byte> memory => DeserializeBytes(memory, typeInfo),
                string text => JsonSerializer.Deserialize(text, typeInfo),
                _ => throw new JsonException($"unsupported CloudEvent data type {cloudEvent.Data.GetType().Name}"),
            };
        }
        catch (JsonException ex)
        {
            return DecodeResult.Poison<T>($"CloudEvent data is not a valid {typeof(T).Name}: {ex.Message}");
        }

        return value is null
            ? DecodeResult.Poison<T>($"CloudEvent has no {typeof(T).Name} data")
            : DecodeResult.Success(value);
    }

    private static T? DeserializeBytes<T>(ReadOnlyMemory<byte> bytes, JsonTypeInfo<T> typeInfo)
    {
        var json = RequestBody.WithoutBom(bytes);
        return RequestBody.IsBlank(json.Span) ? default : JsonSerializer.Deserialize(json.Span, typeInfo);
    }

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var normalized = text.Trim();
        if (normalized.Contains('-', StringComparison.Ordinal) || normalized.Contains('_', StringComparison.Ordinal))
        {
            normalized = normalized.Replace('-', '+').Replace('_', '/');
        }

        if (normalized.Length % 4 != 0)
        {
            normalized = normalized.PadRight(normalized.Length + (4 - (normalized.Length % 4)), '=');
        }

        var buffer = new byte[normalized.Length / 4 * 3];
        if (Convert.TryFromBase64String(normalized, buffer, out var written))
        {
            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }
}
