namespace XeroSync.TieOut;

/// <summary>The reports of Xero's the tie-out reads (GET /Reports/{name}?date=YYYY-MM-DD), each under its own granular scope.</summary>
public enum XeroReport
{
    /// <summary>GET /Reports/TrialBalance, scope accounting.reports.trialbalance.read.</summary>
    TrialBalance,

    /// <summary>GET /Reports/BalanceSheet, scope accounting.reports.balancesheet.read.</summary>
    BalanceSheet,
}
