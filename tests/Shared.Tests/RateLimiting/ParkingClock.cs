using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace XeroSync.Tests.RateLimiting;

/// <summary>
/// A fake clock that reports every timer started on it: code waiting for the clock (a delay, a timed-out wait) starts one,
/// so a test can wait for that signal instead of yielding and hoping the code got there.
/// </summary>
internal sealed class ParkingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
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
            var due = await next;
            if (GetUtcNow() + due >= until)
            {
                return;
            }

            Advance(due);
        }
    }
}
