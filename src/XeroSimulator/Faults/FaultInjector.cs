namespace XeroSync.XeroSimulator.Faults;

/// <summary>Draws faults from a seeded sequence, so a run with the same request order sees the same faults.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private SimulatorFaults _faults;
    private int _calls;

    public FaultInjector(int seed, SimulatorFaults faults)
    {
        _random = new Random(Determinism.Mix(seed, 0xFA017));
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
        }
    }

    /// <summary>Before the rate limiter, for an authenticated call: token revocation or an injected 429.</summary>
    public FaultKind DrawBeforeLimits()
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

            var roll = _random.NextDouble();
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
    public FaultKind Draw()
    {
        lock (_lock)
        {
            var roll = _random.NextDouble();
            var f = _faults;
            if (roll < f.ServerErrorRate)
            {
                return _random.Next(2) == 0 ? FaultKind.ServerError500 : FaultKind.ServiceUnavailable503;
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
