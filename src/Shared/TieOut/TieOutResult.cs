namespace XeroSync.TieOut;

/// <summary>One organisation's tie-out of one of Xero's reports at a date: how many accounts were compared and those that differ.</summary>
/// <param name="TenantName">The organisation's name as the connection gives it.</param>
/// <param name="Problem">Why no comparison could be made (Xero refused the report, the warehouse has no Organisation record); null when compared.</param>
public sealed record TieOutResult(string TenantId, DateOnly Date, int Accounts, IReadOnlyList<TieOutDifference> Differences, string? Problem = null)
{
    public string? TenantName { get; init; }

    /// <summary>The report compared: <see cref="XeroReport.TrialBalance"/> or <see cref="XeroReport.BalanceSheet"/>.</summary>
    public XeroReport Report { get; init; } = XeroReport.TrialBalance;

    /// <summary>The scope the connection does not grant, when the report was skipped for it (no call made); not a failure.</summary>
    public string? MissingScope { get; init; }

    /// <summary>
    /// Journal numbers between 1 and the warehouse's highest that the warehouse does not hold, filled in when the report does
    /// not tie: numbers to look up in Xero (GET /Journals/{number}). Xero documents a number for each journal ("Xero generated
    /// journal number") and reading them in order by offset, not that the numbers run without gaps, so each is a journal the
    /// warehouse may lack, not one known to exist.
    /// </summary>
    public IReadOnlyList<long> MissingJournalNumbers { get; init; } = [];

    public bool Skipped => MissingScope is not null;

    public bool Ties => Problem is null && MissingScope is null && Differences.Count == 0;

    public static TieOutResult Failed(string tenantId, DateOnly date, string problem) => new(tenantId, date, 0, [], problem);

    public static TieOutResult Skip(string tenantId, DateOnly date, string scope) => new(tenantId, date, 0, []) { MissingScope = scope };
}
