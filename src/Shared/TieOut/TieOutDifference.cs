namespace XeroSync.TieOut;

/// <summary>An account whose balance in Xero's Trial Balance and in the warehouse's journals differ (a missing side is 0).</summary>
public sealed record TieOutDifference(string AccountId, string Account, decimal Xero, decimal Warehouse)
{
    /// <summary>Xero's balance less the warehouse's: what the warehouse lacks, debit positive.</summary>
    public decimal Difference => Xero - Warehouse;
}
