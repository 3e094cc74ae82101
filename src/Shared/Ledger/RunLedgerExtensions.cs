namespace XeroSync.Ledger;

/// <summary>Reads that combine the ledger's own answers.</summary>
public static class RunLedgerExtensions
{
    /// <summary>A run with the state of each of its (tenant, endpoint) records, or null when the ledger has no such run.</summary>
    public static async Task<RunState?> GetRunStateAsync(this IRunLedger ledger, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return await ledger.GetRunAsync(runId, cancellationToken) is { } run
            ? new RunState(run, await ledger.GetRunEndpointsAsync(runId, cancellationToken))
            : null;
    }
}
