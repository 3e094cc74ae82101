using System.Globalization;
using System.Text.Json;

namespace XeroSync.Worker.Edge;

/// <summary>Decodes a Pub/Sub push HTTP request (wrapped JSON envelope, or unwrapped with writeMetadata headers).</summary>
public static class PushRequestDecoder
{
    /// <summary>Bodies larger than this (10 MiB) are poison.</summary>
    public const int MaxBodyBytes = RequestBody.DefaultMaxBytes;

    /// <summary>
    /// Decodes the request. An <c>x-goog-pubsub-message-id</c> header selects the unwrapped format (body = raw data,
    /// attributes = non-standard headers); otherwise the body must be the wrapped JSON envelope. Bad input yields a
    /// poison result; throws only on cancellation (or a transport failure while reading the body).
    /// </summary>
    public static async Task<DecodeResult<PubSubPushMessage>> DecodeAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body.IsPoison)
        {
            return DecodeResult.Poison<PubSubPushMessage>(body.PoisonReason);
        }

        return Decode(request.Headers, body.Value);
    }

    /// <summary>Decodes a push whose body was already read (the route keeps the bytes for a poison record).</summary>
    public static DecodeResult<PubSubPushMessage> Decode(IHeaderDictionary headers, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        return headers.ContainsKey(PushHeaders.MessageId)
            ? DecodeUnwrapped(headers, body)
            : DecodeWrapped(body);
    }

    /// <summary>Decodes a wrapped push envelope body (also used for tests and pull-style payloads).</summary>
    internal static DecodeResult<PubSubPushMessage> DecodeWrapped(ReadOnlyMemory<byte> body)
    {
        var json = RequestBody.WithoutBom(body);
        if (RequestBody.IsBlank(json.Span))
        {
            return DecodeResult.Poison<PubSubPushMessage>("empty body: expected a Pub/Sub push JSON envelope");
        }

        MessagePublishedData? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(json.Span, EdgeJsonContext.Default.MessagePublishedData);
        }
        catch (JsonException ex)
        {
            return DecodeResult.Poison<PubSubPushMessage>($"malformed JSON push envelope: {ex.Message}");
        }

        return envelope is null
            ? DecodeResult.Poison<PubSubPushMessage>("push envelope is JSON null")
            : EventDataParser.ToPushMessage(envelope);
    }

    private static DecodeResult<PubSubPushMessage> DecodeUnwrapped(IHeaderDictionary headers, byte[] body)
    {
        var messageId = headers[PushHeaders.MessageId].ToString();
        if (string.IsNullOrWhiteSpace(messageId))
        {
            return DecodeResult.Poison<PubSubPushMessage>($"unwrapped push: empty {PushHeaders.MessageId} header");
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (PushHeaders.IsAttribute(name))
            {
                attributes[name] = values.ToString();
            }
        }

        if (body.Length == 0 && attributes.Count == 0)
        {
            return DecodeResult.Poison<PubSubPushMessage>("unwrapped push: message has neither data nor attributes");
        }

        DateTimeOffset? publishTime = DateTimeOffset.TryParse(
            headers[PushHeaders.PublishTime].ToString(),
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsedTime) ? parsedTime : null;
        int? deliveryAttempt = int.TryParse(
            headers[PushHeaders.DeliveryAttempt].ToString(),
            NumberStyles.None,
            CultureInfo.InvariantCulture,
            out var attempt) ? attempt : null;

        return DecodeResult.Success(new PubSubPushMessage(
            body,
            attributes,
            messageId,
            publishTime,
            NullIfEmpty(headers[PushHeaders.SubscriptionName].ToString()),
            deliveryAttempt,
            NullIfEmpty(headers[PushHeaders.OrderingKey].ToString()) ?? NullIfEmpty(headers[PushHeaders.OrderingKeyAlternate].ToString())));
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
