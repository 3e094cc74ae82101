using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using XeroSync.Google.PubSub;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Pushes a pull subscription's messages to the Worker's /pubsub exactly as a push subscription would (the wrapped
/// body with subscription and deliveryAttempt): acknowledged on 2xx, nacked (ack deadline 0) otherwise, so the
/// subscription's dead-letter policy counts every delivery. Used where the emulator's own push stops redelivering:
/// measured with the gcloud Pub/Sub emulator 0.8.20, a push subscription whose endpoint answers 503 is redelivered
/// 3 times and then never again (no dead letter after 5 attempts, none within 10 minutes), while a pull subscription
/// with the same policies delivers attempts 1 to 5 and then dead-letters with CloudPubSubDeadLetterSourceDeliveryCount.
/// </summary>
internal sealed class PullPushDriver : IAsyncDisposable
{
    private readonly PubSubClient _pubSub;
    private readonly HttpClient _emulator;
    private readonly HttpClient _worker = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly string _subscription;
    private readonly string _fullName;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _deliveries = [];
    private Task _loop = Task.CompletedTask;

    public PullPushDriver(PubSubClient pubSub, string emulatorHost, string subscription, Uri target)
    {
        _pubSub = pubSub;
        _emulator = new HttpClient { BaseAddress = new Uri("http://" + emulatorHost + "/") };
        _subscription = subscription;
        _fullName = pubSub.SubscriptionName(subscription);
        _target = target;
    }

    /// <summary>Deliveries made so far (every attempt, successful or not).</summary>
    public int Deliveries => Volatile.Read(ref _deliveryCount);

    /// <summary>Every delivery made so far, in order: which message (its data, as published) and the attempt Pub/Sub numbered it.</summary>
    public IReadOnlyList<PulledDelivery> Delivered
    {
        get
        {
            lock (_delivered)
            {
                return [.. _delivered];
            }
        }
    }

    private readonly List<PulledDelivery> _delivered = [];

    private int _deliveryCount;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<PubSubReceivedMessage> messages;
            try
            {
                messages = await _pubSub.PullAsync(_subscription, 50, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_deliveries)
            {
                _deliveries.RemoveAll(t => t.IsCompleted);
                _deliveries.AddRange(messages.Select(m => DeliverAsync(m, cancellationToken)));
            }
        }
    }

    private async Task DeliverAsync(PubSubReceivedMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deliveryCount);
        lock (_delivered)
        {
            _delivered.Add(new PulledDelivery(message.MessageId, message.Data.ToArray(), message.DeliveryAttempt));
        }

        var body = new Dictionary<string, object?>
        {
            ["message"] = new Dictionary<string, object?>
            {
                ["data"] = Convert.ToBase64String(message.Data.Span),
                ["attributes"] = message.Attributes,
                ["messageId"] = message.MessageId,
                ["publishTime"] = message.PublishTime,
            },
            ["subscription"] = _fullName,
            ["deliveryAttempt"] = message.DeliveryAttempt,
        };
        var acknowledged = false;
        try
        {
            using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using var response = await _worker.PostAsync(new Uri(_target, "pubsub"), content, cancellationToken);
            acknowledged = response.IsSuccessStatusCode;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed push is a nack, as for the emulator's own push.
        }

        try
        {
            if (acknowledged)
            {
                await _pubSub.AcknowledgeAsync(_subscription, [message.AckId], cancellationToken);
            }
            else
            {
                using var nack = await _emulator.PostAsJsonAsync(
                    $"v1/{_fullName}:modifyAckDeadline",
                    new Dictionary<string, object> { ["ackIds"] = new[] { message.AckId }, ["ackDeadlineSeconds"] = 0 },
                    cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The ack deadline expires instead: a redelivery, later.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] pending;
        lock (_deliveries)
        {
            pending = [_loop, .. _deliveries];
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // Stopping: cancelled pulls and pushes end here.
        }

        _stop.Dispose();
        _worker.Dispose();
        _emulator.Dispose();
    }
}
