namespace XeroSync.XeroSimulator.Limits;

/// <summary>
/// Xero's limits: per tenant 60/minute, 5 concurrent and 5000/day in fixed windows whose phase differs per tenant,
/// plus an app-wide per-minute window. Rejected calls consume nothing.
/// </summary>
internal sealed class RateLimiter
{
    private const int MinuteSeconds = 60;
    private const int DaySeconds = 86400;

    private readonly Lock _lock = new();
    private readonly SimulatorOptions _options;
    private readonly TenantLimitState[] _tenants;
    private long _appWindow = long.MinValue;
    private int _appCount;

    public RateLimiter(SimulatorOptions options)
    {
        _options = options;
        _tenants = new TenantLimitState[options.Tenants];
        for (var i = 0; i < options.Tenants; i++)
        {
            _tenants[i] = new TenantLimitState(Determinism.Mix(options.Seed, i, 0x60) % MinuteSeconds, Determinism.Mix(options.Seed, i, 0x86400) % DaySeconds);
        }
    }

    public RateLimitDecision TryAcquire(int tenantIndex, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        lock (_lock)
        {
            var tenant = _tenants[tenantIndex];
            Roll(tenant, seconds);
            string? problem = null;
            int? retryAfter = null;
            if (tenant.DayCount >= _options.DailyLimit)
            {
                problem = RateLimitProblem.Day;
                retryAfter = SecondsToWindowEnd(seconds, tenant.DayPhaseSeconds, DaySeconds);
            }
            else if (_appCount >= _options.AppPerMinuteLimit)
            {
                problem = RateLimitProblem.AppMinute;
                retryAfter = SecondsToWindowEnd(seconds, 0, MinuteSeconds);
            }
            else if (tenant.MinuteCount >= _options.PerMinuteLimit)
            {
                problem = RateLimitProblem.Minute;
                retryAfter = SecondsToWindowEnd(seconds, tenant.MinutePhaseSeconds, MinuteSeconds);
            }
            else if (tenant.InFlight >= _options.ConcurrentLimit)
            {
                problem = RateLimitProblem.Concurrent;
            }

            if (problem is not null)
            {
                tenant.Rejections[problem] = tenant.Rejections.GetValueOrDefault(problem) + 1;
                return Decision(false, problem, retryAfter, tenant);
            }

            tenant.DayCount++;
            tenant.MinuteCount++;
            _appCount++;
            tenant.InFlight++;
            tenant.MaxInFlight = Math.Max(tenant.MaxInFlight, tenant.InFlight);
            tenant.Accepted++;
            return Decision(true, null, null, tenant);
        }
    }

    /// <summary>Remaining budgets without consuming anything (for 401/403 responses).</summary>
    public RateLimitDecision Peek(int tenantIndex, DateTimeOffset now)
    {
        lock (_lock)
        {
            var tenant = _tenants[tenantIndex];
            Roll(tenant, now.ToUnixTimeSeconds());
            return Decision(true, null, null, tenant);
        }
    }

    public int AppMinuteRemaining(DateTimeOffset now)
    {
        lock (_lock)
        {
            RollApp(now.ToUnixTimeSeconds());
            return Math.Max(0, _options.AppPerMinuteLimit - _appCount);
        }
    }

    public void Release(int tenantIndex)
    {
        lock (_lock)
        {
            _tenants[tenantIndex].InFlight--;
        }
    }

    public int Accepted(int tenantIndex)
    {
        lock (_lock)
        {
            return _tenants[tenantIndex].Accepted;
        }
    }

    public int Rejected(int tenantIndex, string? problem)
    {
        lock (_lock)
        {
            var rejections = _tenants[tenantIndex].Rejections;
            return problem is null ? rejections.Values.Sum() : rejections.GetValueOrDefault(problem);
        }
    }

    public int MaxConcurrency(int tenantIndex)
    {
        lock (_lock)
        {
            return _tenants[tenantIndex].MaxInFlight;
        }
    }

    public void ResetStatistics()
    {
        lock (_lock)
        {
            foreach (var tenant in _tenants)
            {
                tenant.Accepted = 0;
                tenant.MaxInFlight = tenant.InFlight;
                tenant.Rejections.Clear();
            }
        }
    }

    private static int SecondsToWindowEnd(long seconds, int phase, int length)
    {
        var intoWindow = ((seconds - phase) % length + length) % length;
        return (int)Math.Max(1, length - intoWindow);
    }

    private static long WindowOf(long seconds, int phase, int length) => (long)Math.Floor((seconds - phase) / (double)length);

    private void Roll(TenantLimitState tenant, long seconds)
    {
        RollApp(seconds);
        var minute = WindowOf(seconds, tenant.MinutePhaseSeconds, MinuteSeconds);
        if (minute != tenant.MinuteWindow)
        {
            tenant.MinuteWindow = minute;
            tenant.MinuteCount = 0;
        }

        var day = WindowOf(seconds, tenant.DayPhaseSeconds, DaySeconds);
        if (day != tenant.DayWindow)
        {
            tenant.DayWindow = day;
            tenant.DayCount = 0;
        }
    }

    private void RollApp(long seconds)
    {
        var window = WindowOf(seconds, 0, MinuteSeconds);
        if (window != _appWindow)
        {
            _appWindow = window;
            _appCount = 0;
        }
    }

    private RateLimitDecision Decision(bool allowed, string? problem, int? retryAfter, TenantLimitState tenant) => new(
        allowed,
        problem,
        retryAfter,
        Math.Max(0, _options.DailyLimit - tenant.DayCount),
        Math.Max(0, _options.PerMinuteLimit - tenant.MinuteCount),
        Math.Max(0, _options.AppPerMinuteLimit - _appCount));
}
