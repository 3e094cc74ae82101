namespace XeroSync.XeroSimulator.Faults;

/// <summary>
/// Draws faults deterministically by seed and request: the n-th time a request (tenant, path and query,
/// If-Modified-Since) is seen gets the same roll in every run, whatever order concurrent clients send in.
/// Only the call-numbered one-shots (<see cref="SimulatorFaults.RevokeAccessTokensAtCall"/>,
/// <see cref="SimulatorFaults.DayThrottleAtCall"/>) depend on arrival order.
/// </summary>
internal sealed class FaultInjector
{
    private const long BeforeLimitsSalt = 0xB4;
    private const long AfterLimitsSalt = 0xAF;
    private const long ServerErrorKindSalt = 0x5E;

    private readonly Lock _lock = new();
    private readonly int _seed;
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private SimulatorFaults _faults;
    private int _calls;

    public FaultInjector(int seed, SimulatorFaults faults)
    {
        _seed = seed;
        _faults = faults;
    }

    public SimulatorFaults Current
    {
        get
        {
            lock (_lock)
            {
                return _faults;
            }
        }
    }

    public void Set(SimulatorFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_lock)
        {
            _faults = faults;
            _calls = 0;
            _occurrences.Clear();
        }
    }

    /// <summary>Before the rate limiter, for an authenticated call: token revocation or an injected 429.</summary>
    public FaultKind DrawBeforeLimits(string request)
    {
        lock (_lock)
        {
            var f = _faults;
            var call = ++_calls;
            if (f.RevokeAccessTokensAtCall == call)
            {
                return FaultKind.RevokeAccessTokens;
            }

            if (f.DayThrottleAtCall == call)
            {
                return FaultKind.DayThrottle;
            }

            if (f.MinuteThrottleRate + f.ConcurrentThrottleRate + f.AppMinuteThrottleRate + f.DayThrottleRate <= 0)
            {
                return FaultKind.None;
            }

            var roll = Roll(request, BeforeLimitsSalt);
            foreach (var (rate, kind) in new[]
            {
                (f.MinuteThrottleRate, FaultKind.MinuteThrottle),
                (f.ConcurrentThrottleRate, FaultKind.ConcurrentThrottle),
                (f.AppMinuteThrottleRate, FaultKind.AppMinuteThrottle),
                (f.DayThrottleRate, FaultKind.DayThrottle),
            })
            {
                if (roll < rate)
                {
                    return kind;
                }

                roll -= rate;
            }

            return FaultKind.None;
        }
    }

    /// <summary>After the rate limiter accepted the call: 5xx, timeout, truncation or slowness.</summary>
    public FaultKind Draw(string request)
    {
        lock (_lock)
        {
            var f = _faults;
            if (f.ServerErrorRate + f.TimeoutRate + f.TruncateRate + f.SlowRate <= 0)
            {
                return FaultKind.None;
            }

            var roll = Roll(request, AfterLimitsSalt);
            if (roll < f.ServerErrorRate)
            {
                return Determinism.Mix(_seed, Stable(request), _occurrences[request + AfterLimitsSalt], ServerErrorKindSalt) % 2 == 0 ? FaultKind.ServerError500 : FaultKind.ServiceUnavailable503;
            }

            roll -= f.ServerErrorRate;
            if (roll < f.TimeoutRate)
            {
                return FaultKind.Timeout;
            }

            roll -= f.TimeoutRate;
            if (roll < f.TruncateRate)
            {
                return FaultKind.Truncate;
            }

            roll -= f.TruncateRate;
            return roll < f.SlowRate ? FaultKind.Slow : FaultKind.None;
        }
    }

    /// <summary>A uniform [0, 1) roll for the next occurrence of the request in this phase (called under the lock).</summary>
    private double Roll(string request, long salt)
    {
        var key = request + salt;
        var occurrence = _occurrences.GetValueOrDefault(key) + 1;
        _occurrences[key] = occurrence;
        return Determinism.Mix(_seed, Stable(request), occurrence, salt) / (double)int.MaxValue;
    }

    /// <summary>FNV-1a over the request key: stable across processes, unlike string.GetHashCode.</summary>
    private static long Stable(string text)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001b3UL;
        }

        return (long)hash;
    }

    public static string? Name(FaultKind kind) => kind switch
    {
        FaultKind.ServerError500 => SimulatedFault.ServerError500,
        FaultKind.ServiceUnavailable503 => SimulatedFault.ServiceUnavailable503,
        FaultKind.Slow => SimulatedFault.Slow,
        FaultKind.Truncate => SimulatedFault.Truncate,
        FaultKind.Timeout => SimulatedFault.Timeout,
        FaultKind.MinuteThrottle => SimulatedFault.MinuteThrottle,
        FaultKind.ConcurrentThrottle => SimulatedFault.ConcurrentThrottle,
        FaultKind.AppMinuteThrottle => SimulatedFault.AppMinuteThrottle,
        FaultKind.DayThrottle => SimulatedFault.DayThrottle,
        FaultKind.RevokeAccessTokens => SimulatedFault.RevokeAccessTokens,
        _ => null,
    };
}
