namespace XeroSync.Ledger;

/// <summary>A page the plan knows it must read: its number and, for Journals, the offset it starts from.</summary>
public sealed record PendingPage(int Page, long? Offset = null);
