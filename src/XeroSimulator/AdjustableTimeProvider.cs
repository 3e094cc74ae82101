namespace XeroSync.XeroSimulator;

/// <summary>System time plus an offset that only grows; timers run on the system clock, so Task.Delay waits in real time.</summary>
public sealed class AdjustableTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private TimeSpan _offset;

    public AdjustableTimeProvider(TimeSpan initialOffset = default) => _offset = initialOffset;

    /// <summary>Starts at <paramref name="start"/> (relative to the system clock now) and then moves in real time.</summary>
    public static AdjustableTimeProvider StartingAt(DateTimeOffset start) => new(start - System.GetUtcNow());

    public TimeSpan Offset
    {
        get
        {
            lock (_lock)
            {
                return _offset;
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return System.GetUtcNow() + _offset;
        }
    }

    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_lock)
        {
            _offset += delta;
        }
    }

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}
