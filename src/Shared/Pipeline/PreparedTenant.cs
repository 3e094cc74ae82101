using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>One organisation's reconcile as prepared: the recorded plan and the fetch requests published for it.</summary>
public sealed record PreparedTenant(TenantReconcilePlan Plan, int Messages);
