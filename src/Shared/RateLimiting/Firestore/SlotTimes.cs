namespace XeroSync.RateLimiting.Firestore;

/// <summary>The free-slot search tenant and app blocks share: per slot, the instant (Unix microseconds) it may carry its next call.</summary>
internal static class SlotTimes
{
    /// <summary>Index of a slot free at <paramref name="nowMicros"/>, or -1; <paramref name="nextFree"/> is the earliest free time.</summary>
    public static int FirstFree(long[] freeAtMicros, long nowMicros, out long nextFree)
    {
        nextFree = long.MaxValue;
        for (var i = 0; i < freeAtMicros.Length; i++)
        {
            if (freeAtMicros[i] <= nowMicros)
            {
                return i;
            }

            nextFree = Math.Min(nextFree, freeAtMicros[i]);
        }

        return -1;
    }
}
