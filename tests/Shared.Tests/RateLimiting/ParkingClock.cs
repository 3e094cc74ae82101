using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace XeroSync.Tests.RateLimiting;

/// <summary>
/// A fake clock that reports every timer started on it: code waiting for the clock (a delay, a timed-out wait) starts one,
/// so a test can wait for that signal instead of yielding and hoping the code got there.
/// </summary>
internal sealed class ParkingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<(DateTimeOffset Created, TimeSpan Due)> _timers = Channel.CreateUnbounded<(DateTimeOffset, TimeSpan)>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite((GetUtcNow(), dueTime));
        }

        return timer;
    }

    /// <summary>Forgets the timers reported so far (call before starting the code to follow).</summary>
    public void Forget()
    {
        while (_timers.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>
    /// Follows <paramref name="waiting"/> from timer to timer, advancing the clock over the ones due before
    /// <paramref name="until"/>, until it is parked on one due at or after it; fails if it completes first.
    /// </summary>
    public async Task ParkedUntilAsync<T>(Task<T> waiting, DateTimeOffset until, TimeSpan signal, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _timers.Reader.ReadAsync(cancellationToken).AsTask();
            var first = await Task.WhenAny(next, waiting).WaitAsync(signal, cancellationToken);
            Assert.False(first == waiting && !next.IsCompleted, $"completed at {GetUtcNow():O}, before {until:O}, without waiting for the clock");
            var (created, due) = await next;
            if (created + due >= until)
            {
                return;
            }

            if (created + due > GetUtcNow())
            {
                Advance(created + due - GetUtcNow());
            }
        }
    }

    /// <summary>
    /// The instant a timer started on this clock is due, for the next one reported whose delay is shorter than
    /// <paramref name="shorterThan"/> (longer ones, such as an attempt timeout armed while a request is out, are not waits).
    /// </summary>
    public async Task<DateTimeOffset> NextWaitAsync(TimeSpan shorterThan, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (created, due) = await _timers.Reader.ReadAsync(cancellationToken);
            if (due < shorterThan)
            {
                return created + due;
            }
        }
    }
}
