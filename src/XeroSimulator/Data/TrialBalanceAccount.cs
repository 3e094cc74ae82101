namespace XeroSync.XeroSimulator.Data;

/// <summary>One account's line of a trial balance being built: the month's movement and the balance to date (debit positive).</summary>
internal sealed class TrialBalanceAccount(string accountId, string code, string name, string accountClass)
{
    public string AccountId { get; } = accountId;

    public string Code { get; } = code;

    public string Name { get; } = name;

    /// <summary>ASSET, LIABILITY, EQUITY, REVENUE or EXPENSE.</summary>
    public string Class { get; } = accountClass;

    public bool IsProfitAndLoss => Class is "REVENUE" or "EXPENSE";

    public decimal Month { get; set; }

    public decimal ToDate { get; set; }
}
