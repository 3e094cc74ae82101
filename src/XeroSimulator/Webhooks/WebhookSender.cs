using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace XeroSync.XeroSimulator.Webhooks;

/// <summary>
/// Sends Xero's webhooks for the changes the simulator makes (developer.xero.com/documentation/webhooks): first the
/// intent-to-receive requests (events [], sequence 0; one correctly signed, expecting 200, one incorrectly signed,
/// expecting 401), then every change of a contact, invoice, credit note, prepayment or payment as an event
/// (CREATE for an insert, UPDATE for an edit, archive or delete), the changes queued meanwhile in one payload with
/// increasing sequence numbers, signed with HMAC-SHA256 of the body under the key (base64, x-xero-signature).
/// A payload the receiver does not answer 200 is sent again (Xero retries for 24 hours). As Xero's, the numbering belongs
/// to the subscription and keeps increasing: a sender may continue after the last number an earlier one used, and is
/// told each number it takes before the payload carrying it is sent, so whoever keeps the subscription can persist it.
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["Contacts"] = "CONTACT",
        ["Invoices"] = "INVOICE",
        ["CreditNotes"] = "CREDITNOTE",
        ["Prepayments"] = "PREPAYMENT",
        ["Payments"] = "PAYMENT",
    };

    private readonly Channel<AppliedChange> _queue = Channel.CreateUnbounded<AppliedChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Uri _url;
    private readonly byte[] _key;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<WebhookDelivery> _deliveries = [];
    private readonly Func<long, CancellationToken, Task>? _numbered;
    private readonly Task _loop;
    private long _sequence;

    /// <param name="lastSequence">The last sequence number the subscription used (0: a new subscription); the first event is numbered one past it.</param>
    /// <param name="numbered">Told the last sequence number taken, before the payload carrying it is sent.</param>
    public WebhookSender(Uri url, string key, TimeProvider clock, long lastSequence = 0, Func<long, CancellationToken, Task>? numbered = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfNegative(lastSequence);
        _url = url;
        _key = Encoding.UTF8.GetBytes(key);
        _clock = clock;
        _sequence = lastSequence;
        _numbered = numbered;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Sequence numbers whose payload is not sent (lost), for gap tests. A dropped payload holds only its event.</summary>
    public IReadOnlySet<long> DropSequences { get; set; } = new HashSet<long>();

    /// <summary>Whether the intent-to-receive check passed (200 to the signed request, 401 to the other); null until done.</summary>
    public bool? IntentToReceive { get; private set; }

    /// <summary>Every payload sent (or dropped), oldest first.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Raised after each payload is answered 200 (or dropped).</summary>
    public event Action<WebhookDelivery>? Delivered;

    /// <summary>Whether changes of <paramref name="endpoint"/> are sent as webhooks.</summary>
    public static bool Covers(string endpoint) => Categories.ContainsKey(endpoint);

    /// <summary>Queues a change for the next payload (ignored for endpoints without webhooks, and silent edits Xero does not time).</summary>
    public void Enqueue(AppliedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Covers(change.Endpoint) && change.Kind != ChangeKind.SilentEdit && !change.HardDelete)
        {
            _queue.Writer.TryWrite(change);
        }
    }

    /// <summary>The signature Xero would send for <paramref name="body"/>.</summary>
    public string Sign(ReadOnlySpan<byte> body) => Convert.ToBase64String(HMACSHA256.HashData(_key, body));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var intent = Payload([], 0, 0);
        var signed = await PostAsync(intent, Sign(intent), cancellationToken);
        var forged = await PostAsync(intent, Sign(Encoding.UTF8.GetBytes("not the body")), cancellationToken);
        IntentToReceive = signed == 200 && forged == 401;

        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            var batch = new List<AppliedChange>();
            while (batch.Count < 100 && _queue.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            var first = _sequence + 1;
            _sequence += batch.Count;
            if (_numbered is not null)
            {
                // Taken before it is sent, as Xero's counter moves whether or not the payload arrives.
                await _numbered(_sequence, cancellationToken);
            }

            if (DropSequences.Any(s => s >= first && s <= _sequence))
            {
                // Lost in transit: each dropped event goes alone, so the hole is exactly its sequence.
                foreach (var (change, sequence) in batch.Select((c, i) => (c, first + i)))
                {
                    var lost = DropSequences.Contains(sequence);
                    await SendAsync([change], sequence, sequence, drop: lost, cancellationToken);
                }

                continue;
            }

            await SendAsync(batch, first, _sequence, drop: false, cancellationToken);
        }
    }

    private async Task SendAsync(IReadOnlyList<AppliedChange> changes, long first, long last, bool drop, CancellationToken cancellationToken)
    {
        var body = Payload(changes, first, last);
        var status = 0;
        if (!drop)
        {
            for (var attempt = 0; status != 200; attempt++)
            {
                status = await PostAsync(body, Sign(body), cancellationToken);
                if (status != 200)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 << Math.Min(attempt, 6))), cancellationToken);
                }
            }
        }

        var delivery = new WebhookDelivery(first, last, changes, status, drop, _clock.GetUtcNow());
        lock (_gate)
        {
            _deliveries.Add(delivery);
        }

        Delivered?.Invoke(delivery);
    }

    private async Task<int> PostAsync(byte[] body, string signature, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = content };
        request.Headers.TryAddWithoutValidation("x-xero-signature", signature);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Xero gives up on a response after 5 s.
            return 0;
        }
    }

    private static byte[] Payload(IReadOnlyList<AppliedChange> changes, long first, long last)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var change in changes)
            {
                writer.WriteStartObject();
                writer.WriteString("resourceUrl", $"https://api.xero.com/api.xro/2.0/{change.Endpoint}/{change.RecordId}");
                writer.WriteString("resourceId", change.RecordId);
                writer.WriteString("eventDateUtc", change.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
                writer.WriteString("eventType", change.Kind == ChangeKind.Insert ? "CREATE" : "UPDATE");
                writer.WriteString("eventCategory", Categories[change.Endpoint]);
                writer.WriteString("tenantId", change.TenantId);
                writer.WriteString("tenantType", "ORGANISATION");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("lastEventSequence", last);
            writer.WriteNumber("firstEventSequence", first);
            writer.WriteString("entropy", Convert.ToHexString(RandomNumberGenerator.GetBytes(10)));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
