namespace XeroSync.TieOut;

/// <summary>A warehouse that can sum an organisation's journal lines per account at a date (the tie-out's side of the comparison).</summary>
public interface IJournalTotalsSource
{
    /// <summary>
    /// The journal lines of <paramref name="tenantId"/> dated up to <paramref name="date"/>, per account; null when the warehouse
    /// holds no Organisation record for the tenant (its financial year is unknown).
    /// </summary>
    Task<JournalTotals?> GetJournalTotalsAsync(string tenantId, DateOnly date, CancellationToken cancellationToken);
}
