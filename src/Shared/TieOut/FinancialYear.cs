namespace XeroSync.TieOut;

/// <summary>Xero's financial year, given by the organisation's FinancialYearEndDay and FinancialYearEndMonth.</summary>
public static class FinancialYear
{
    /// <summary>The first day of the financial year <paramref name="date"/> falls in.</summary>
    public static DateOnly Start(DateOnly date, int endDay, int endMonth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endMonth, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(endDay, 1);
        DateOnly End(int year) => new(year, endMonth, Math.Min(endDay, DateTime.DaysInMonth(year, endMonth)));
        var end = End(date.Year);
        return (end < date ? end : End(date.Year - 1)).AddDays(1);
    }
}
