namespace XeroSync.RateLimiting.Firestore;

/// <summary>One instance's view of one tenant in the shared limiter. Guarded by <see cref="Gate"/>.</summary>
internal sealed class TenantLimits(string tenantId)
{
    public string TenantId { get; } = tenantId;

    public object Gate { get; } = new();

    public Dictionary<int, HeldBlock> Blocks { get; } = [];

    /// <summary>AcquireAsync calls of this tenant currently running on this instance.</summary>
    public int Waiters { get; set; }

    public DateTimeOffset LastDemand { get; set; }

    /// <summary>No claim attempts before this instant (last attempt failed, or foreign usage seen).</summary>
    public DateTimeOffset NextClaimAt { get; set; }

    /// <summary>Pause known locally (own 429s) or read from the tenant document.</summary>
    public DateTimeOffset PausedUntil { get; set; }

    /// <summary>Day budget spent until this instant (shared).</summary>
    public DateTimeOffset DeferredUntil { get; set; }

    /// <summary>The last X-DayLimit-Remaining this instance saw, counted down per permit since.</summary>
    public int? DayRemaining { get; set; }

    /// <summary>When <see cref="DayRemaining"/> was read from Xero.</summary>
    public DateTimeOffset DayObservedAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>This instance's permits of the tenant still held.</summary>
    public int Held { get; set; }

    /// <summary>This instance's permits of the tenant whose request has not gone out yet.</summary>
    public int Unsent { get; set; }

    /// <summary>The number the next permit of the tenant gets on this instance (the answer to a call names it).</summary>
    public long NextPermit { get; set; }

    /// <summary>This instance's permits of the tenant whose request went out and whose answer has not been read.</summary>
    public HashSet<long> SentUnanswered { get; } = [];

    /// <summary>
    /// The permits sent and unanswered when <see cref="DayRemaining"/> was read from Xero: taken off it (Xero may not have
    /// counted them yet), and given back if their own answer, read later, shows Xero had counted them first.
    /// </summary>
    public HashSet<long> Subtracted { get; } = [];

    /// <summary>Xero's lowest X-DayLimit-Remaining read so far (the count only falls until its reset), and when.</summary>
    public int? DayRaw { get; set; }

    public DateTimeOffset DayRawAt { get; set; } = DateTimeOffset.MinValue;

    public DateTimeOffset RefreshedAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>The last claim found blocks under another instance's live lease (so asking for them can help).</summary>
    public bool HeldElsewhere { get; set; }

    /// <summary>Until when this instance's ask, in the tenant document, for the blocks others hold idle stands (cleared once it claims one).</summary>
    public DateTimeOffset OwnWantUntil { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Until when any instance's ask for the tenant's blocks stands, as last read from the tenant document.</summary>
    public DateTimeOffset WantedUntil { get; set; } = DateTimeOffset.MinValue;

    public ITimer? IdleTimer { get; set; }
}
