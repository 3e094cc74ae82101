using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using XeroSync.Pipeline;

namespace XeroSync.Messaging.Local;

/// <summary>
/// The local stand-in for a Pub/Sub topic with a push subscription: at-least-once delivery to a handler
/// with bounded concurrency; ack on success; redelivery with exponential back-off on retry or exception;
/// dead-letter after N attempts (a JSON file under the dead-letter folder, plus a callback); poison
/// messages are acknowledged and recorded. <see cref="WaitForIdleAsync"/> completes when nothing is
/// queued, in flight or waiting for redelivery.
/// </summary>
public sealed partial class InProcessQueue<TMessage> : IAsyncDisposable
    where TMessage : class
{
    private readonly Channel<QueuedMessage<TMessage>> _channel = Channel.CreateUnbounded<QueuedMessage<TMessage>>();
    private readonly InProcessQueueOptions _options;
    private readonly JsonTypeInfo<TMessage> _typeInfo;
    private readonly string _deadLetterFolder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _idleGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _workers = [];
    private TaskCompletionSource _idle = NewIdleSource(completed: true);
    private long _outstanding;
    private long _sequence;
    private Exception? _fault;

    public InProcessQueue(string name, InProcessQueueOptions options, JsonTypeInfo<TMessage> typeInfo, string deadLetterFolder, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _typeInfo = typeInfo;
        _deadLetterFolder = deadLetterFolder;
        _time = time;
        _logger = logger;
    }

    public string Name { get; }

    private int _deadLettered;
    private int _poisoned;

    public int DeadLettered => Volatile.Read(ref _deadLettered);

    public int Poisoned => Volatile.Read(ref _poisoned);

    /// <summary>Called when a message is dead-lettered (after it is written to the dead-letter folder).</summary>
    public Func<TMessage, string, CancellationToken, Task>? OnDeadLettered { get; set; }

    /// <summary>Starts <see cref="InProcessQueueOptions.Concurrency"/> consumers running <paramref name="handler"/>.</summary>
    public void Start(Func<QueuedMessage<TMessage>, CancellationToken, Task<HandlerOutcome>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        for (var i = 0; i < _options.Concurrency; i++)
        {
            _workers.Add(Task.Run(() => ConsumeAsync(handler, _stopping.Token)));
        }
    }

    public ValueTask PublishAsync(IEnumerable<TMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var copy = 0; copy < _options.DeliveriesPerMessage; copy++)
            {
                Enqueue(new QueuedMessage<TMessage>(id, message, 1));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when no message is queued, in flight or scheduled for redelivery.</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_idleGate)
        {
            idle = _idle.Task;
        }

        return idle.WaitAsync(cancellationToken);
    }

    /// <summary>The first unexpected failure of a consumer (a bug, not a message failure), if any.</summary>
    public Exception? Fault => _fault;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _channel.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private void Enqueue(QueuedMessage<TMessage> message)
    {
        Reserve();
        if (!_channel.Writer.TryWrite(message))
        {
            Settle();
        }
    }

    private void Reserve()
    {
        lock (_idleGate)
        {
            if (_outstanding++ == 0)
            {
                _idle = NewIdleSource(completed: false);
            }
        }
    }

    private void Settle()
    {
        lock (_idleGate)
        {
            if (--_outstanding == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task ConsumeAsync(Func<QueuedMessage<TMessage>, CancellationToken, Task<HandlerOutcome>> handler, CancellationToken cancellationToken)
    {
        await foreach (var message in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await DeliverAsync(handler, message, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _fault ??= ex;
                Log.ConsumerFault(_logger, Name, ex);
            }
            finally
            {
                Settle();
            }
        }
    }

    private async Task DeliverAsync(Func<QueuedMessage<TMessage>, CancellationToken, Task<HandlerOutcome>> handler, QueuedMessage<TMessage> message, CancellationToken cancellationToken)
    {
        HandlerOutcome outcome;
        Log.Delivering(_logger, Name, message.MessageId, message.DeliveryAttempt);
        try
        {
            outcome = await handler(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.HandlerThrew(_logger, Name, message.MessageId, message.DeliveryAttempt, ex);
            outcome = HandlerOutcome.Retry(ex.GetType().Name + ": " + ex.Message);
        }

        switch (outcome.Kind)
        {
            case HandlerOutcomeKind.Poison:
                Interlocked.Increment(ref _poisoned);
                Log.Poison(_logger, Name, message.MessageId, outcome.Reason ?? "unknown");
                await WriteDeadLetterAsync(message, "poison", outcome.Reason, cancellationToken);
                break;
            case HandlerOutcomeKind.Retry when message.DeliveryAttempt >= _options.MaxDeliveryAttempts:
                Interlocked.Increment(ref _deadLettered);
                Log.DeadLettered(_logger, Name, message.MessageId, message.DeliveryAttempt, outcome.Reason ?? "unknown");
                await WriteDeadLetterAsync(message, "dead-letter", outcome.Reason, cancellationToken);
                if (OnDeadLettered is { } callback)
                {
                    await callback(message.Body, outcome.Reason ?? "dead-lettered", cancellationToken);
                }

                break;
            case HandlerOutcomeKind.Retry:
                ScheduleRedelivery(message, outcome, cancellationToken);
                break;
            case HandlerOutcomeKind.Ack:
            case HandlerOutcomeKind.Ignored:
            default:
                break;
        }
    }

    private void ScheduleRedelivery(QueuedMessage<TMessage> message, HandlerOutcome outcome, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(Math.Min(
            _options.MaximumBackoff.TotalMilliseconds,
            _options.MinimumBackoff.TotalMilliseconds * Math.Pow(2, message.DeliveryAttempt - 1)));
        if (outcome.RetryAt is { } retryAt && retryAt - _time.GetUtcNow() is var untilRetry && untilRetry > backoff)
        {
            backoff = untilRetry < _options.MaximumBackoff ? untilRetry : _options.MaximumBackoff;
        }

        var next = message with { DeliveryAttempt = message.DeliveryAttempt + 1 };
        Reserve();

        // The outstanding count already covers the redelivery; the channel write waits for the back-off.
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken);
                    if (!_channel.Writer.TryWrite(next))
                    {
                        Settle();
                    }
                }
                catch (OperationCanceledException)
                {
                    Settle();
                }
            },
            CancellationToken.None);
    }

    private async Task WriteDeadLetterAsync(QueuedMessage<TMessage> message, string kind, string? reason, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_deadLetterFolder);
        var path = Path.Combine(_deadLetterFolder, $"{Name}-{kind}-{_time.GetUtcNow():yyyyMMddTHHmmssfff}-{message.MessageId}.json");
        await using var file = File.Create(path);
        await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("queue", Name);
        writer.WriteString("kind", kind);
        writer.WriteString("reason", reason);
        writer.WriteNumber("delivery_attempt", message.DeliveryAttempt);
        writer.WritePropertyName("message");
        JsonSerializer.Serialize(writer, message.Body, _typeInfo);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static TaskCompletionSource NewIdleSource(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Queue {Queue}: message {MessageId} attempt {Attempt} threw")]
        public static partial void HandlerThrew(ILogger logger, string queue, string messageId, int attempt, Exception exception);

        [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "Queue {Queue}: message {MessageId} is poison and was acknowledged: {Reason}")]
        public static partial void Poison(ILogger logger, string queue, string messageId, string reason);

        [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Queue {Queue}: message {MessageId} dead-lettered after {Attempts} attempts: {Reason}")]
        public static partial void DeadLettered(ILogger logger, string queue, string messageId, int attempts, string reason);

        [LoggerMessage(EventId = 603, Level = LogLevel.Critical, Message = "Queue {Queue}: consumer failed")]
        public static partial void ConsumerFault(ILogger logger, string queue, Exception exception);

        [LoggerMessage(EventId = 604, Level = LogLevel.Debug, Message = "Queue {Queue}: delivering message {MessageId}, attempt {Attempt}")]
        public static partial void Delivering(ILogger logger, string queue, string messageId, int attempt);
    }
}
