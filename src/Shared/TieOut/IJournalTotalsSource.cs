namespace XeroSync.TieOut;

/// <summary>A warehouse that can sum an organisation's journal lines per account at a date (the tie-out's side of the comparison).</summary>
public interface IJournalTotalsSource
{
    /// <summary>
    /// The journal lines of <paramref name="tenantId"/> dated up to <paramref name="date"/>, per account; null when the warehouse
    /// holds no Organisation record for the tenant (its financial year is unknown).
    /// </summary>
    Task<JournalTotals?> GetJournalTotalsAsync(string tenantId, DateOnly date, CancellationToken cancellationToken);

    /// <summary>The journals of <paramref name="tenantId"/> dated from <paramref name="from"/> to <paramref name="to"/> with a line on <paramref name="accountId"/>, oldest first.</summary>
    Task<IReadOnlyList<TieOutJournal>> GetAccountJournalsAsync(string tenantId, string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>The journal numbers from 1 to the highest the warehouse holds for <paramref name="tenantId"/> that it does not hold, ascending.</summary>
    Task<IReadOnlyList<long>> GetMissingJournalNumbersAsync(string tenantId, CancellationToken cancellationToken);
}
