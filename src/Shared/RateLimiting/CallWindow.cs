namespace XeroSync.RateLimiting;

/// <summary>
/// A conservative sliding window over Xero's fixed windows: a call occupies its slot while in flight and
/// for <c>length</c> after its response arrived. Since a call reaches Xero no later than its response
/// returns, the next call that takes a freed slot arrives at least a full window later, so no fixed
/// window of that length ever sees more than <c>limit</c> calls. Not thread-safe: callers lock.
/// </summary>
internal sealed class CallWindow(int limit, TimeSpan length)
{
    private readonly List<Slot> _slots = [];

    public int Limit { get; } = limit;

    /// <summary>Zero when a slot is free now; otherwise how long until one frees up (if known).</summary>
    public TimeSpan TimeUntilFree(DateTimeOffset now)
    {
        Prune(now);
        if (_slots.Count < Limit)
        {
            return TimeSpan.Zero;
        }

        var earliest = DateTimeOffset.MaxValue;
        foreach (var slot in _slots)
        {
            if (!slot.InFlight && slot.Stamp < earliest)
            {
                earliest = slot.Stamp;
            }
        }

        // All slots in flight: one frees when a response arrives; poll again shortly.
        return earliest == DateTimeOffset.MaxValue ? TimeSpan.FromMilliseconds(50) : earliest + length - now;
    }

    public Slot Reserve(DateTimeOffset now)
    {
        var slot = new Slot { Stamp = now, InFlight = true };
        _slots.Add(slot);
        return slot;
    }

    /// <summary>Records calls made elsewhere (another process, per Xero's remaining count) as just made.</summary>
    public void AdoptUsage(int usedAccordingToServer, DateTimeOffset now)
    {
        Prune(now);
        for (var missing = Math.Min(usedAccordingToServer, Limit) - _slots.Count; missing > 0; missing--)
        {
            _slots.Add(new Slot { Stamp = now });
        }
    }

    private void Prune(DateTimeOffset now) => _slots.RemoveAll(s => !s.InFlight && s.Stamp + length <= now);

    internal sealed class Slot
    {
        public DateTimeOffset Stamp { get; set; }

        public bool InFlight { get; set; }
    }
}
