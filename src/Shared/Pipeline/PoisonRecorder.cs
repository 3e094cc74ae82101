using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Storage;

namespace XeroSync.Pipeline;

/// <summary>
/// Records a message that can never succeed: one clear error log line and an object
/// <c>poison/{yyyy-MM-dd}/{hash}.json</c> holding the reason and the raw bytes (base64) for inspection.
/// The name hashes source, message id, reason and bytes: a redelivery of the same message lands on the same
/// object, two different malformed messages never share one. The reason may quote untrusted input (a header,
/// a parser's message), so it is logged and stored with control characters replaced.
/// </summary>
public sealed partial class PoisonRecorder(IObjectStore objects, TimeProvider time, ILogger<PoisonRecorder> logger)
{
    /// <summary>Longest reason logged or stored; a parser's message quoting a huge value is cut here.</summary>
    public const int MaxReasonLength = 500;

    public async Task RecordAsync(string source, string messageId, string reason, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var safeId = Identifiers.Printable(messageId);
        var safeReason = Identifiers.Sanitize(reason, MaxReasonLength);
        Log.Poison(logger, source, safeId, safeReason);
        var now = time.GetUtcNow();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source + "\n" + messageId + "\n" + reason + "\n" + Convert.ToBase64String(body.Span))))[..32];
        var name = $"poison/{now:yyyy-MM-dd}/{hash}.json";
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("source", source);
            writer.WriteString("message_id", safeId);
            writer.WriteString("reason", safeReason);
            writer.WriteString("recorded_at", now);
            writer.WriteBase64String("body_base64", body.Span.Length > 1_000_000 ? body.Span[..1_000_000] : body.Span);
            writer.WriteEndObject();
        }

        try
        {
            await objects.CreateIfAbsentAsync(name, buffer.ToArray(), "application/json", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The log line above is the record of last resort; a poison message must still be acknowledged.
            Log.PoisonNotStored(logger, source, safeId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Error, Message = "Poison message from {Source} {MessageId} acknowledged without processing: {Reason}")]
        public static partial void Poison(ILogger logger, string source, string messageId, string reason);

        [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "Could not store poison message from {Source} {MessageId}")]
        public static partial void PoisonNotStored(ILogger logger, string source, string messageId, Exception exception);
    }
}
