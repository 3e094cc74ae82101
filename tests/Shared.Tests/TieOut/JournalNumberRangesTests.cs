using XeroSync.TieOut;

namespace XeroSync.Tests.TieOut;

/// <summary>The journal numbers a warehouse lacks, written as README shows them: ascending, runs joined ("57, 60-62").</summary>
public sealed class JournalNumberRangesTests
{
    [Fact(Timeout = 10_000)]
    public void Runs_are_joined_and_single_numbers_stand_alone()
    {
        Assert.Equal("57, 60-62", JournalNumberRanges.Format([62, 57, 61, 60]));
        Assert.Equal("1-2, 4, 6-9, 11", JournalNumberRanges.Format([1, 2, 4, 6, 7, 8, 9, 11, 11]));
        Assert.Equal("5", JournalNumberRanges.Format([5]));
    }

    [Fact(Timeout = 10_000)]
    public void None_is_null()
    {
        Assert.Null(JournalNumberRanges.Format([]));
    }
}
