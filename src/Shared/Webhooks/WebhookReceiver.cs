using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Pipeline;

namespace XeroSync.Webhooks;

/// <summary>
/// Receives one Xero webhook POST as Xero's contract asks (developer.xero.com/documentation/webhooks/configuring-your-server):
/// the raw body's HMAC-SHA256 under the webhook key must match <c>x-xero-signature</c> (compared in constant time),
/// else 401 and nothing is queued; a correctly signed body is answered 200 with an empty body once its changes are
/// queued (the intent-to-receive requests, which carry no events, included). A correctly signed body that is not a
/// usable payload (malformed JSON, unknown category, ids that are not GUIDs) is recorded as poison with its reason and
/// still answered 200: Xero retries anything else for 24 hours and then disables the webhook, and the same bytes
/// would fail the same way every time. Only a failure to queue (the ledger or queue unavailable) answers 500, so Xero
/// retries it.
/// </summary>
public sealed partial class WebhookReceiver(IWebhookSink sink, IWebhookKeySource keys, PoisonRecorder poison, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookReceiver> logger)
{
    public const string PoisonSource = "webhook";

    /// <summary>The route Xero posts to (public: its signature is its authentication).</summary>
    public const string Path = "/webhooks/xero";

    public async Task<WebhookReceipt> ReceiveAsync(Stream body, string? signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = await keys.GetKeyAsync(cancellationToken);
        if (string.IsNullOrEmpty(key))
        {
            return Answer(new WebhookReceipt(401, "refused: no webhook key is configured"));
        }

        var max = options.Value.MaxBodyBytes;
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key));
        using var kept = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                hmac.AppendData(chunk, 0, read);
                if (length + read <= max)
                {
                    kept.Write(chunk, 0, read);
                }

                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (!WebhookSignature.Matches(signature, hmac.GetHashAndReset()))
        {
            return Answer(new WebhookReceipt(401, signature is null ? "refused: no x-xero-signature header" : "refused: the signature does not match the body"));
        }

        if (length > max)
        {
            await poison.RecordAsync(PoisonSource, "signed", $"body of {length} bytes, over {max}", kept.ToArray(), cancellationToken);
            return Answer(new WebhookReceipt(200, "signed but too large: recorded as poison"));
        }

        var bytes = kept.GetBuffer().AsMemory(0, (int)kept.Length);
        var (notification, problem) = WebhookPayloadReader.Read(bytes.Span, time.GetUtcNow());
        if (notification is null)
        {
            await poison.RecordAsync(PoisonSource, "signed", problem!, bytes, cancellationToken);
            return Answer(new WebhookReceipt(200, "signed but not a payload: recorded as poison"));
        }

        if (notification.Rejected.Count > 0)
        {
            await poison.RecordAsync(PoisonSource, $"{notification.FirstSequence}-{notification.LastSequence}", string.Join("; ", notification.Rejected), bytes, cancellationToken);
        }

        if (notification.IsEmpty)
        {
            return Answer(new WebhookReceipt(200, "intent to receive (no events)"));
        }

        try
        {
            await sink.AcceptAsync(notification, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.NotQueued(logger, notification.FirstSequence, notification.LastSequence, ex);
            return new WebhookReceipt(500, "not queued; Xero retries");
        }

        return Answer(new WebhookReceipt(200, $"queued (sequence {notification.FirstSequence}-{notification.LastSequence}, {notification.Rejected.Count} events left out)", notification.Changes.Count));
    }

    private WebhookReceipt Answer(WebhookReceipt receipt)
    {
        if (receipt.StatusCode == 200)
        {
            Log.Received(logger, receipt.StatusCode, receipt.Outcome, receipt.Changes);
        }
        else
        {
            Log.Refused(logger, receipt.StatusCode, receipt.Outcome);
        }

        return receipt;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Webhook {Status}: {Outcome}, {Changes} changes")]
        public static partial void Received(ILogger logger, int status, string outcome, int changes);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Webhook {Status}: {Outcome}")]
        public static partial void Refused(ILogger logger, int status, string outcome);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Webhook sequence {First}-{Last}: its changes could not be queued; answered 500 so Xero sends it again")]
        public static partial void NotQueued(ILogger logger, long first, long last, Exception exception);
    }
}
