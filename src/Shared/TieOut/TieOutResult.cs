namespace XeroSync.TieOut;

/// <summary>One organisation's tie-out at a date: how many accounts were compared and those that differ.</summary>
/// <param name="TenantName">The organisation's name as the connection gives it.</param>
/// <param name="Problem">Why no comparison could be made (Xero refused the report, the warehouse has no Organisation record); null when compared.</param>
public sealed record TieOutResult(string TenantId, DateOnly Date, int Accounts, IReadOnlyList<TieOutDifference> Differences, string? Problem = null)
{
    public string? TenantName { get; init; }

    public bool Ties => Problem is null && Differences.Count == 0;

    public static TieOutResult Failed(string tenantId, DateOnly date, string problem) => new(tenantId, date, 0, [], problem);
}
