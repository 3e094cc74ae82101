using System.Collections.Concurrent;

namespace XeroSync.Tests.RateLimiting;

/// <summary>
/// A synchronization context the test drives by hand: code started under it resumes only when the test runs the
/// queued work, on the test's thread. With a fake clock, "run until idle, then advance" means every caller has
/// reached its next wait before time moves, however loaded the machine is.
/// </summary>
internal sealed class ManualPump : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state) => _work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The pump runs work only when the test asks.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Starts <paramref name="start"/> under this context; its awaits come back through <see cref="RunUntilIdle"/>.</summary>
    public T Start<T>(Func<T> start)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return start();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Runs queued work, and the work it queues, until none is left; returns how many items ran.</summary>
    public int RunUntilIdle()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        var ran = 0;
        try
        {
            while (_work.TryDequeue(out var item))
            {
                item.Callback(item.State);
                ran++;
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        return ran;
    }
}
