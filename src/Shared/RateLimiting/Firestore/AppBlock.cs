namespace XeroSync.RateLimiting.Firestore;

/// <summary>A block of the app-wide minute budget's slots this instance holds a lease on. Guarded by the limiter's app gate.</summary>
internal sealed class AppBlock(int index, long[] freeAtMicros, DateTimeOffset leaseUntil, string updateTime)
{
    public int Index { get; } = index;

    /// <summary>Per slot: the instant (Unix microseconds) from which the slot may carry its next call; <see cref="HeldBlock.InFlightMarker"/> while one is out.</summary>
    public long[] FreeAtMicros { get; } = freeAtMicros;

    public DateTimeOffset LeaseUntil { get; set; } = leaseUntil;

    /// <summary>The block document's updateTime after our last write (precondition of the next one).</summary>
    public string UpdateTime { get; set; } = updateTime;

    /// <summary>Calls out on this block's slots.</summary>
    public int InFlight { get; set; }

    /// <summary>Over this instance's share: no new calls; released once nothing is in flight.</summary>
    public bool Draining { get; set; }

    /// <summary>A renewal or release write of this block is in progress.</summary>
    public bool Writing { get; set; }

    /// <summary>Index of a slot free at <paramref name="nowMicros"/>, or -1; <paramref name="nextFree"/> is the earliest free time.</summary>
    public int FreeSlot(long nowMicros, out long nextFree) => SlotTimes.FirstFree(FreeAtMicros, nowMicros, out nextFree);

    /// <summary>The free times to write: a slot in flight is written as 0, the crash rule (used at the lease's end) covers it.</summary>
    public long[] Snapshot() => [.. FreeAtMicros.Select(f => f == HeldBlock.InFlightMarker ? 0 : f)];
}
