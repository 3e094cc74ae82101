namespace XeroSync.XeroSimulator;

/// <summary>Values of the X-Rate-Limit-Problem header the simulator sends.</summary>
public static class RateLimitProblem
{
    public const string Minute = "minute";
    public const string Day = "day";
    public const string Concurrent = "concurrent";
    public const string AppMinute = "appminute";
}
