namespace XeroSync.XeroSimulator.Faults;

/// <summary>Draws faults from a seeded sequence, so a run with the same request order sees the same faults.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private SimulatorFaults _faults;

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
        }
    }

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
}
