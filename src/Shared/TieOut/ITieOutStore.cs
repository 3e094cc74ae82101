namespace XeroSync.TieOut;

/// <summary>A warehouse that keeps tie-outs: the report snapshot Xero sent and the result, per organisation, report and date.</summary>
public interface ITieOutStore
{
    Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// The latest date before <paramref name="before"/> whose latest kept tie-out of <paramref name="report"/> that compared the
    /// organisation's balances found <paramref name="accountId"/> agreeing with Xero (an earlier check of a date that agreed
    /// does not count once a later check of that date found the account differing); null when none did.
    /// </summary>
    Task<DateOnly?> GetLastAgreedDateAsync(string tenantId, XeroReport report, string accountId, DateOnly before, CancellationToken cancellationToken);
}
