namespace XeroSync.XeroSimulator.Limits;

/// <summary>Per-tenant fixed windows, in-flight count and statistics (guarded by the limiter's lock).</summary>
internal sealed class TenantLimitState
{
    public TenantLimitState(int minutePhaseSeconds, int dayPhaseSeconds)
    {
        MinutePhaseSeconds = minutePhaseSeconds;
        DayPhaseSeconds = dayPhaseSeconds;
    }

    public int MinutePhaseSeconds { get; }

    public int DayPhaseSeconds { get; }

    public long MinuteWindow { get; set; } = long.MinValue;

    public int MinuteCount { get; set; }

    public long DayWindow { get; set; } = long.MinValue;

    public int DayCount { get; set; }

    public int InFlight { get; set; }

    public int MaxInFlight { get; set; }

    public int Accepted { get; set; }

    public Dictionary<string, int> Rejections { get; } = new(StringComparer.Ordinal);
}
