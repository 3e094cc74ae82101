namespace XeroSync.Ledger;

/// <summary>A run as the ledger records it when the Dispatcher opens it.</summary>
/// <param name="Tenants">Tenant ids included in the run.</param>
/// <param name="Endpoints">Xero endpoint names included in the run.</param>
/// <param name="Full">Watermarks ignored.</param>
public sealed record RunInfo(
    string RunId,
    DateTimeOffset StartedAt,
    IReadOnlyList<string> Tenants,
    IReadOnlyList<string> Endpoints,
    bool Full)
{
    /// <summary>Set on a reconcile run (an ID sweep and full refresh under a call budget); null on a sync.</summary>
    public ReconcilePlan? Reconcile { get; init; }

    /// <summary>
    /// A targeted run: records read by id because a Xero webhook reported them changed. It lands them like any run and
    /// never moves a watermark (it read some records, not everything changed since).
    /// </summary>
    public bool Targeted { get; init; }
}
