namespace XeroSync.TieOut;

/// <summary>An account whose balance in Xero's Trial Balance and in the warehouse's journals differ (a missing side is 0).</summary>
public sealed record TieOutDifference(string AccountId, string Account, decimal Xero, decimal Warehouse)
{
    /// <summary>Xero's balance less the warehouse's: what the warehouse lacks, debit positive.</summary>
    public decimal Difference => Xero - Warehouse;

    /// <summary>
    /// The first day of the period <see cref="Journals"/> covers: the day after the last earlier date at which a tie-out
    /// found this account agreeing with Xero, else the first day of the checked date's month; null when the line is no
    /// account of the ledger (Current Year Earnings).
    /// </summary>
    public DateOnly? JournalsFrom { get; init; }

    /// <summary>The warehouse's journals that moved the account from <see cref="JournalsFrom"/> to the checked date, oldest first.</summary>
    public IReadOnlyList<TieOutJournal> Journals { get; init; } = [];
}
