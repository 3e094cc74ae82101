namespace XeroSync.TieOut;

/// <summary>
/// A journal of the warehouse's that moved an account a tie-out found different: what a finance user looks up in Xero
/// (by its number or id) to find the journal one side has and the other lacks.
/// </summary>
/// <param name="Amount">The journal's lines on the account, summed (debit positive).</param>
public sealed record TieOutJournal(string JournalId, long JournalNumber, DateOnly Date, decimal Amount);
