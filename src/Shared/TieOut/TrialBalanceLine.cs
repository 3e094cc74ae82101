namespace XeroSync.TieOut;

/// <summary>One account's balance at a date, debit positive (for revenue and expense accounts: since the financial year began).</summary>
/// <param name="Account">How the account reads: Xero's "Name (Code)".</param>
public sealed record TrialBalanceLine(string AccountId, string Account, decimal Balance);
