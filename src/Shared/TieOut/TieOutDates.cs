namespace XeroSync.TieOut;

/// <summary>The dates a tie-out is made at when none is chosen: the month ends of the last whole months (<see cref="DefaultMonths"/> unless asked).</summary>
public static class TieOutDates
{
    /// <summary>How many month ends a tie-out covers by default (each costs one call per report and organisation).</summary>
    public const int DefaultMonths = 3;

    /// <summary>The most month ends one tie-out may cover (two years: 48 calls per organisation).</summary>
    public const int MaxMonths = 24;

    /// <summary>The last day of each of the <paramref name="months"/> months before <paramref name="today"/>'s month, oldest first.</summary>
    public static IReadOnlyList<DateOnly> MonthEnds(DateOnly today, int months = DefaultMonths)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var firstOfMonth = new DateOnly(today.Year, today.Month, 1);
        return [.. Enumerable.Range(1, months).Reverse().Select(back => firstOfMonth.AddMonths(-back + 1).AddDays(-1))];
    }
}
