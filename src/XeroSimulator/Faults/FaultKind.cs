namespace XeroSync.XeroSimulator.Faults;

internal enum FaultKind
{
    None,
    ServerError500,
    ServiceUnavailable503,
    Slow,
    Truncate,
    Timeout,
    MinuteThrottle,
    ConcurrentThrottle,
    AppMinuteThrottle,
    DayThrottle,
    RevokeAccessTokens,
}
