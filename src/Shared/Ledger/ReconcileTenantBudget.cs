namespace XeroSync.Ledger;

/// <summary>How a reconcile's call budget for one organisation was set.</summary>
/// <param name="DayRemaining">Xero's <c>X-DayLimit-Remaining</c> after the probe (null when Xero sent none).</param>
/// <param name="Reserve">Calls kept for incremental syncs.</param>
/// <param name="Requested">The caller's cap (probe included), if any.</param>
/// <param name="ProbeCalls">Calls the probe took (counted against <paramref name="Requested"/>).</param>
/// <param name="Budget">Calls the run may make for the tenant after the probe: never exceeded.</param>
/// <param name="Refused">Why Xero refused the probe for this organisation (access denied), if it did: its budget is 0 and every endpoint is deferred with this reason.</param>
/// <param name="ProbeBytesReceived">Response bytes the probe received (counted in the run's usage, and against the organisation's egress allowance).</param>
public sealed record ReconcileTenantBudget(string TenantId, int? DayRemaining, int Reserve, int? Requested, int ProbeCalls, int Budget, string? Refused = null, long ProbeBytesReceived = 0);
