namespace XeroSync.RateLimiting.Firestore;

/// <summary>A block of minute slots this instance holds a lease on. Guarded by its tenant's gate.</summary>
internal sealed class HeldBlock(int index, long[] freeAtMicros, DateTimeOffset leaseUntil, string updateTime, DateTimeOffset heldSince)
{
    /// <summary>A slot whose call is in flight (its free time is stamped on release).</summary>
    public const long InFlightMarker = long.MaxValue;

    public int Index { get; } = index;

    /// <summary>Per slot: the instant (Unix microseconds) from which the slot may carry its next call.</summary>
    public long[] FreeAtMicros { get; } = freeAtMicros;

    public DateTimeOffset LeaseUntil { get; set; } = leaseUntil;

    /// <summary>The block document's updateTime after our last write (precondition of the next one).</summary>
    public string UpdateTime { get; set; } = updateTime;

    public DateTimeOffset HeldSince { get; } = heldSince;

    /// <summary>The block's one in-flight call is out.</summary>
    public bool InFlight { get; set; }

    /// <summary>A renewal or release write of this block is in progress.</summary>
    public bool Writing { get; set; }

    /// <summary>Slots that carried a call in the last minute (or carry one now, or are otherwise not yet free).</summary>
    public int UsedSlots(long nowMicros) => FreeAtMicros.Count(f => f > nowMicros);

    /// <summary>Index of a slot free at <paramref name="nowMicros"/>, or -1; <paramref name="nextFree"/> is the earliest free time.</summary>
    public int FreeSlot(long nowMicros, out long nextFree) => SlotTimes.FirstFree(FreeAtMicros, nowMicros, out nextFree);
}
