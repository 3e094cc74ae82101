namespace XeroSync.TieOut;

/// <summary>A warehouse that keeps tie-outs: the report snapshot Xero sent and the result, per organisation, report and date.</summary>
public interface ITieOutStore
{
    Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// The latest date before <paramref name="before"/> at which a kept tie-out of <paramref name="report"/> compared the
    /// organisation's balances and found <paramref name="accountId"/> agreeing with Xero; null when none did.
    /// </summary>
    Task<DateOnly?> GetLastAgreedDateAsync(string tenantId, XeroReport report, string accountId, DateOnly before, CancellationToken cancellationToken);
}
