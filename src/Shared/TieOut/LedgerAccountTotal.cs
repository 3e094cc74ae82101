namespace XeroSync.TieOut;

/// <summary>What the warehouse's journal lines of one account add up to at a date (debit positive).</summary>
/// <param name="AccountType">Xero's account type on the journal lines (REVENUE, EXPENSE, BANK, ...).</param>
/// <param name="ThisYear">Lines dated in the financial year of the date, up to the date.</param>
/// <param name="ToDate">Every line dated up to the date.</param>
public sealed record LedgerAccountTotal(string AccountId, string Code, string Name, string AccountType, decimal ThisYear, decimal ToDate);
