using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Processes;

/// <summary>A call the simulator holds in flight (see <see cref="CliSimulator.Hold"/>).</summary>
internal sealed class HeldCall
{
    private readonly Func<SimulatedArrival, bool> _match;
    private readonly int _nth;
    private readonly TaskCompletionSource<SimulatedArrival> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    public HeldCall(Func<SimulatedArrival, bool> match, int nth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nth, 1);
        _match = match;
        _nth = nth;
    }

    /// <summary>Completes with the held call once it is in flight and held.</summary>
    public Task<SimulatedArrival> Reached => _reached.Task;

    /// <summary>Matching calls seen so far (the held one included).</summary>
    public int Seen => Volatile.Read(ref _seen);

    internal Task Released => _released.Task;

    public void Release() => _released.TrySetResult();

    /// <summary>True when this is the call to hold (called under the simulator's gate).</summary>
    internal bool Offer(SimulatedArrival arrival)
    {
        if (_reached.Task.IsCompleted || !_match(arrival))
        {
            return false;
        }

        if (Interlocked.Increment(ref _seen) < _nth)
        {
            return false;
        }

        _reached.TrySetResult(arrival);
        return true;
    }
}
