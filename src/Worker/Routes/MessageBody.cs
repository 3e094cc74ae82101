using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>
/// Reads a pushed message's data as one of the fetch topic's contracts: parsed and validated, or recorded as poison with
/// its reason (the parser's message names the field and position, never the value; <see cref="PoisonRecorder"/> escapes it).
/// </summary>
internal static class MessageBody
{
    /// <summary>The message's contract, or null once a message that is not a valid one has been recorded as poison.</summary>
    public static async Task<T?> ReadAsync<T>(PubSubPushMessage message, JsonTypeInfo<T> contract, Func<T?, string?> validate, PoisonRecorder poison, CancellationToken cancellationToken)
        where T : class
    {
        T? value;
        string? problem;
        try
        {
            value = JsonSerializer.Deserialize(message.Data.Span, contract);
            problem = validate(value);
        }
        catch (JsonException ex)
        {
            value = null;
            problem = $"data is not {typeof(T).Name} JSON: {ex.Message}";
        }

        if (problem is null)
        {
            return value;
        }

        await poison.RecordAsync("pubsub", message.MessageId, $"not a valid {typeof(T).Name}: {problem}", message.Data, cancellationToken);
        return null;
    }
}
