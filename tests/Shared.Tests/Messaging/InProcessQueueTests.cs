using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Contracts;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.Tests.RateLimiting;

namespace XeroSync.Tests.Messaging;

public sealed class InProcessQueueTests : IDisposable
{
    private static readonly TimeSpan Signal = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _folder = new();
    private readonly ParkingClock _time = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private InProcessQueue<FetchRequest> Create(int concurrency = 4, int maxAttempts = 3) =>
        new("fetch", new InProcessQueueOptions { Concurrency = concurrency, MaxDeliveryAttempts = maxAttempts, MinimumBackoff = TimeSpan.FromSeconds(1), MaximumBackoff = TimeSpan.FromSeconds(4) }, PipelineJsonContext.Default.FetchRequest, _folder.Path, _time, NullLogger.Instance);

    private static FetchRequest Message(int page) => new() { RunId = "run-1", TenantId = "t1", Endpoint = "Invoices", FirstPage = page, LastPage = page };

    /// <summary>
    /// Moves the fake clock to the end of each redelivery back-off as the queue starts it (the clock's signal that a wait
    /// began, not a guess that it has), until the queue is idle.
    /// </summary>
    private async Task DriveToIdle(InProcessQueue<FetchRequest> queue)
    {
        var idle = queue.WaitForIdleAsync(Token);
        while (!idle.IsCompleted)
        {
            var wait = _time.NextWaitAsync(TimeSpan.MaxValue, Token);
            if (await Task.WhenAny(wait, idle).WaitAsync(Signal, Token) == wait && await wait is var due && due > _time.GetUtcNow())
            {
                _time.Advance(due - _time.GetUtcNow());
            }
        }

        await idle;
    }

    [Fact(Timeout = 60_000)]
    public async Task Ack_delivers_once()
    {
        await using var queue = Create();
        var deliveries = new ConcurrentBag<QueuedMessage<FetchRequest>>();
        queue.Start((m, _) =>
        {
            deliveries.Add(m);
            return Task.FromResult(HandlerOutcome.Ack);
        });
        await queue.PublishAsync([Message(1), Message(2)], Token);
        await queue.WaitForIdleAsync(Token).WaitAsync(Signal, Token);
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(1, d.DeliveryAttempt));
        Assert.Equal(2, deliveries.Select(d => d.MessageId).Distinct().Count());
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact(Timeout = 60_000)]
    public async Task Retry_then_success_redelivers_with_increasing_attempts()
    {
        await using var queue = Create(maxAttempts: 5);
        var attempts = new ConcurrentQueue<(string Id, int Attempt)>();
        queue.Start((m, _) =>
        {
            attempts.Enqueue((m.MessageId, m.DeliveryAttempt));
            return Task.FromResult(m.DeliveryAttempt < 3 ? HandlerOutcome.Retry("not yet") : HandlerOutcome.Ack);
        });
        await queue.PublishAsync([Message(1)], Token);
        await DriveToIdle(queue);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt).ToArray());
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.Equal(0, queue.DeadLettered);
    }

    [Fact(Timeout = 60_000)]
    public async Task Dead_letters_after_max_attempts_with_a_json_file_and_the_callback()
    {
        await using var queue = Create(maxAttempts: 3);
        var deadLettered = new TaskCompletionSource<(FetchRequest, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.OnDeadLettered = (m, reason, _) =>
        {
            deadLettered.TrySetResult((m, reason));
            return Task.CompletedTask;
        };
        var deliveries = 0;
        queue.Start((_, _) =>
        {
            Interlocked.Increment(ref deliveries);
            return Task.FromResult(HandlerOutcome.Retry("xero down"));
        });
        await queue.PublishAsync([Message(7)], Token);
        await DriveToIdle(queue);
        var (message, reason) = await deadLettered.Task.WaitAsync(Signal, Token);
        Assert.Equal(7, message.FirstPage);
        Assert.Equal("xero down", reason);
        Assert.Equal(3, deliveries);
        Assert.Equal(1, queue.DeadLettered);

        var file = Assert.Single(Directory.GetFiles(_folder.Path));
        Assert.Contains("dead-letter", Path.GetFileName(file), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, Token));
        Assert.Equal("dead-letter", document.RootElement.GetProperty("kind").GetString());
        Assert.Equal("xero down", document.RootElement.GetProperty("reason").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("delivery_attempt").GetInt32());
        Assert.Equal(7, document.RootElement.GetProperty("message").GetProperty("first_page").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task Poison_is_acknowledged_recorded_and_never_redelivered()
    {
        await using var queue = Create();
        var deliveries = 0;
        var callback = false;
        queue.OnDeadLettered = (_, _, _) =>
        {
            callback = true;
            return Task.CompletedTask;
        };
        queue.Start((_, _) =>
        {
            Interlocked.Increment(ref deliveries);
            return Task.FromResult(HandlerOutcome.Poison("invalid tenant id"));
        });
        await queue.PublishAsync([Message(1)], Token);
        await DriveToIdle(queue);
        _time.Advance(TimeSpan.FromMinutes(5));
        await queue.WaitForIdleAsync(Token).WaitAsync(Signal, Token);
        Assert.Equal(1, deliveries);
        Assert.Equal(1, queue.Poisoned);
        Assert.False(callback);
        var file = Assert.Single(Directory.GetFiles(_folder.Path));
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, Token));
        Assert.Equal("poison", document.RootElement.GetProperty("kind").GetString());
        Assert.Equal("invalid tenant id", document.RootElement.GetProperty("reason").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Exceptions_nack_and_redeliver()
    {
        await using var queue = Create(maxAttempts: 5);
        var attempts = new ConcurrentQueue<int>();
        queue.Start((m, _) =>
        {
            attempts.Enqueue(m.DeliveryAttempt);
            return m.DeliveryAttempt == 1 ? throw new InvalidOperationException("boom") : Task.FromResult(HandlerOutcome.Ack);
        });
        await queue.PublishAsync([Message(1)], Token);
        await DriveToIdle(queue);
        Assert.Equal([1, 2], attempts.ToArray());
        Assert.Null(queue.Fault);
    }

    [Fact(Timeout = 60_000)]
    public async Task Never_more_than_concurrency_handlers_at_once()
    {
        const int concurrency = 3;
        await using var queue = Create(concurrency: concurrency);
        var running = 0;
        var max = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        queue.Start(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref max, now);
            if (now == concurrency)
            {
                allStarted.TrySetResult();
            }

            await release.Task;
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref handled);
            return HandlerOutcome.Ack;
        });
        await queue.PublishAsync(Enumerable.Range(1, 20).Select(Message), Token);
        await allStarted.Task.WaitAsync(Signal, Token);
        Assert.False(queue.WaitForIdleAsync(Token).IsCompleted);
        release.SetResult();
        await queue.WaitForIdleAsync(Token).WaitAsync(Signal, Token);
        Assert.Equal(20, handled);
        Assert.Equal(concurrency, max);
    }

    [Fact(Timeout = 60_000)]
    public async Task Idle_waits_for_scheduled_redeliveries()
    {
        await using var queue = Create(maxAttempts: 5);
        var first = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Start((m, _) =>
        {
            if (m.DeliveryAttempt == 1)
            {
                first.TrySetResult(_time.GetUtcNow());
                return Task.FromResult(HandlerOutcome.Retry("later", _time.GetUtcNow() + TimeSpan.FromSeconds(3)));
            }

            second.TrySetResult(_time.GetUtcNow());
            return Task.FromResult(HandlerOutcome.Ack);
        });

        Assert.True(queue.WaitForIdleAsync(Token).IsCompleted, "an unused queue is idle");
        await queue.PublishAsync([Message(1)], Token);
        var firstAt = await first.Task.WaitAsync(Signal, Token);

        // The clock's signal that the redelivery's back-off started: the first delivery is over (its outcome handled), and
        // the back-off runs to RetryAt. The scheduled redelivery keeps the queue busy until it has run.
        var due = await _time.NextWaitAsync(TimeSpan.MaxValue, Token).WaitAsync(Signal, Token);
        Assert.Equal(firstAt + TimeSpan.FromSeconds(3), due);
        Assert.False(queue.WaitForIdleAsync(Token).IsCompleted, "idle while a redelivery is scheduled");
        Assert.False(second.Task.IsCompleted);
        _time.Advance(due - _time.GetUtcNow());
        await DriveToIdle(queue);
        var secondAt = await second.Task.WaitAsync(Signal, Token);
        Assert.True(secondAt - firstAt >= TimeSpan.FromSeconds(3), $"redelivered after {secondAt - firstAt}, before RetryAt");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Deliveries_per_message_two_delivers_every_message_twice_concurrently_with_its_own_attempts()
    {
        await using var queue = new InProcessQueue<FetchRequest>("fetch", new InProcessQueueOptions { Concurrency = 4, MaxDeliveryAttempts = 3, MinimumBackoff = TimeSpan.FromSeconds(1), DeliveriesPerMessage = 2 }, PipelineJsonContext.Default.FetchRequest, _folder.Path, _time, NullLogger.Instance);
        var deliveries = new ConcurrentBag<QueuedMessage<FetchRequest>>();
        var arrivals = new ConcurrentDictionary<string, int>();
        var bothArrived = new ConcurrentDictionary<string, TaskCompletionSource>();
        var failedOnce = new ConcurrentDictionary<string, bool>();
        queue.Start(async (m, ct) =>
        {
            deliveries.Add(m);
            var both = bothArrived.GetOrAdd(m.MessageId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (m.DeliveryAttempt == 1 && arrivals.AddOrUpdate(m.MessageId, 1, (_, n) => n + 1) == 2)
            {
                both.TrySetResult();
            }

            // Each first delivery waits for its twin: only copies in flight at the same time get past this.
            await both.Task.WaitAsync(Signal, ct);

            // One copy of page 1 fails once: its retry is its own, the twin is not redelivered.
            return m.Body.FirstPage == 1 && failedOnce.TryAdd(m.MessageId, true) ? HandlerOutcome.Retry("transient") : HandlerOutcome.Ack;
        });
        await queue.PublishAsync([Message(1), Message(2)], Token);
        await DriveToIdle(queue);

        Assert.Equal(5, deliveries.Count);
        Assert.All(deliveries.GroupBy(d => d.MessageId), g => Assert.Equal(2, g.Count(d => d.DeliveryAttempt == 1)));
        Assert.Equal(2, deliveries.Select(d => d.MessageId).Distinct().Count());
        var retried = Assert.Single(deliveries, d => d.DeliveryAttempt == 2);
        Assert.Equal(1, retried.Body.FirstPage);
        Assert.Equal(0, queue.DeadLettered);
    }
}
