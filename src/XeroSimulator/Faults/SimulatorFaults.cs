namespace XeroSync.XeroSimulator;

/// <summary>Probabilities (0..1) of injected faults on API calls (after the rate limiter accepted the call).</summary>
public sealed record SimulatorFaults
{
    public static SimulatorFaults None { get; } = new();

    /// <summary>5xx: half 500 JSON, half 503 plain text "The service is currently unavailable".</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Respond normally but only after <see cref="SlowLatency"/>.</summary>
    public double SlowRate { get; init; }

    public TimeSpan SlowLatency { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>200 whose JSON body is cut mid-way.</summary>
    public double TruncateRate { get; init; }

    /// <summary>Hang until the client aborts or <see cref="TimeoutDuration"/> passes (then 504).</summary>
    public double TimeoutRate { get; init; }

    public TimeSpan TimeoutDuration { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Requests that fail with a 500 every time, whatever the rates above (a page that never succeeds).</summary>
    public IReadOnlyList<FailingRequest> FailingRequests { get; init; } = [];
}
