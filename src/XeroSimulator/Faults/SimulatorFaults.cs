namespace XeroSync.XeroSimulator;

/// <summary>
/// Probabilities (0..1) of injected faults on API calls, drawn from the simulator's seeded sequence. Injected
/// 429s are drawn before the rate limiter (they consume nothing, like Xero's); the others after it accepted the
/// call. Each faulted request is logged with its <see cref="SimulatedRequest.Fault"/> (see <see cref="SimulatedFault"/>).
/// </summary>
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

    /// <summary>Hang until the client aborts or <see cref="TimeoutDuration"/> passes (then 504): an answer slower than the client's attempt timeout.</summary>
    public double TimeoutRate { get; init; }

    public TimeSpan TimeoutDuration { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Requests that fail with a 500 every time, whatever the rates above (a page that never succeeds).</summary>
    public IReadOnlyList<FailingRequest> FailingRequests { get; init; } = [];

    /// <summary>429 with <c>X-Rate-Limit-Problem: minute</c> and <c>Retry-After</c> <see cref="ThrottleRetryAfter"/>, whatever the tenant's real count.</summary>
    public double MinuteThrottleRate { get; init; }

    /// <summary>429 with <c>X-Rate-Limit-Problem: concurrent</c> (no Retry-After, as Xero documents).</summary>
    public double ConcurrentThrottleRate { get; init; }

    /// <summary>429 with <c>X-Rate-Limit-Problem: appminute</c> and <c>Retry-After</c> <see cref="ThrottleRetryAfter"/>.</summary>
    public double AppMinuteThrottleRate { get; init; }

    /// <summary>Retry-After of injected minute and appminute 429s (whole seconds, at least 1).</summary>
    public TimeSpan ThrottleRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>429 with <c>X-Rate-Limit-Problem: day</c>, <c>X-DayLimit-Remaining: 0</c> and <c>Retry-After</c> <see cref="DayRetryAfter"/>: the tenant is to wait for the day's reset.</summary>
    public double DayThrottleRate { get; init; }

    /// <summary>The Nth API call (1-based, counted from when these faults were set) answers a day 429; null: none.</summary>
    public int? DayThrottleAtCall { get; init; }

    public TimeSpan DayRetryAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The Nth API call (1-based, counted from when these faults were set) revokes every access token issued so
    /// far and answers 401 TokenExpired: the client must get a new token (refresh tokens stay valid). Null: never.
    /// </summary>
    public int? RevokeAccessTokensAtCall { get; init; }
}
