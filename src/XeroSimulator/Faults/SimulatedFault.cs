namespace XeroSync.XeroSimulator;

/// <summary>Values of <see cref="SimulatedRequest.Fault"/>: which injected fault a request got.</summary>
public static class SimulatedFault
{
    public const string ServerError500 = "500";
    public const string ServiceUnavailable503 = "503";
    public const string Slow = "slow";
    public const string Truncate = "truncate";
    public const string Timeout = "timeout";
    public const string MinuteThrottle = "429:minute";
    public const string ConcurrentThrottle = "429:concurrent";
    public const string AppMinuteThrottle = "429:appminute";
    public const string DayThrottle = "429:day";
    public const string RevokeAccessTokens = "revoke";
}
