namespace XeroSync.TieOut;

/// <summary>The warehouse's journals of one organisation summed per account at a date, with what a trial balance needs to place them.</summary>
/// <param name="YearStart">The first day of the financial year the date falls in (from the organisation's FinancialYearEndDay/Month).</param>
/// <param name="RetainedEarningsAccountId">The account whose SystemAccount is RETAINEDEARNINGS, if the warehouse holds one.</param>
public sealed record JournalTotals(DateOnly YearStart, string? RetainedEarningsAccountId, IReadOnlyList<LedgerAccountTotal> Accounts);
