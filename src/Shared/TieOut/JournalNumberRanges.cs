using System.Globalization;

namespace XeroSync.TieOut;

/// <summary>Journal numbers written as a finance user reads them: ascending, runs joined ("57, 60-62"); null for none.</summary>
public static class JournalNumberRanges
{
    public static string? Format(IReadOnlyList<long> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (numbers.Count == 0)
        {
            return null;
        }

        var sorted = numbers.Distinct().Order().ToList();
        var parts = new List<string>();
        var start = sorted[0];
        var end = start;
        foreach (var number in sorted.Skip(1).Append(long.MinValue))
        {
            if (number == end + 1)
            {
                end = number;
                continue;
            }

            parts.Add(start == end ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start}-{end}"));
            start = end = number;
        }

        return string.Join(", ", parts);
    }
}
