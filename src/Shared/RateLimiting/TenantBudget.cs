namespace XeroSync.RateLimiting;

/// <summary>In-process limit state of one tenant. Guarded by its own lock.</summary>
internal sealed class TenantBudget(RateLimitOptions options) : IDisposable
{
    public object Gate { get; } = new();

    public CallWindow Minute { get; } = new(options.PerMinute, TimeSpan.FromMinutes(1));

    public SemaphoreSlim InFlight { get; } = new(options.Concurrent, options.Concurrent);

    /// <summary>No calls before this instant (minute 429, concurrent back-off).</summary>
    public DateTimeOffset PausedUntil { get; set; }

    /// <summary>Day budget spent: no calls until this instant (null with <see cref="DayExhausted"/>: reset unknown).</summary>
    public DateTimeOffset? DeferredUntil { get; set; }

    public bool DayExhausted { get; set; }

    /// <summary>Xero's last <c>X-DayLimit-Remaining</c>, counted down per permit since.</summary>
    public int? DayRemaining { get; set; }

    public void Dispose() => InFlight.Dispose();
}
