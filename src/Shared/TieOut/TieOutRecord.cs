namespace XeroSync.TieOut;

/// <summary>One tie-out as the warehouse keeps it: the result and the report it was made against (Xero's report object as read; null when none was read).</summary>
public sealed record TieOutRecord(TieOutResult Result, DateTimeOffset CheckedAt, byte[]? ReportJson);
