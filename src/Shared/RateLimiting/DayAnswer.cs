namespace XeroSync.RateLimiting;

/// <summary>
/// Xero's X-DayLimit-Remaining only falls until its reset: an answer read soon after a lower one but saying more is from
/// a call Xero counted before that one, read late. The rule both limiters (the local call history and the Firestore
/// limiter) apply to a day answer.
/// </summary>
public static class DayAnswer
{
    /// <summary>How long after the lowest answer one saying more is still taken as read late.</summary>
    public static readonly TimeSpan ReadLateWithin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether <paramref name="remaining"/>, read at <paramref name="at"/>, is a late read of a call Xero counted before
    /// the one that gave <paramref name="lowest"/> (the lowest count read so far, at <paramref name="lowestAt"/>).
    /// False when no lowest count is known.
    /// </summary>
    public static bool IsReadLate(int? lowest, DateTimeOffset? lowestAt, int remaining, DateTimeOffset at) =>
        lowest is int low && lowestAt is DateTimeOffset lowAt && remaining >= low && at - lowAt < ReadLateWithin;
}
