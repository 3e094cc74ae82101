namespace XeroSync.Ledger;

/// <summary>Reads that combine the ledger's own answers.</summary>
public static class RunLedgerExtensions
{
    /// <summary>A page ended without a Xero call of its own (the rest of a deferred range, a list that was never read).</summary>
    public static Task RecordPageEndedAsync(this IRunLedger ledger, EndpointKey key, int page, long? offset, PageStatus status, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.RecordPageEndedAsync(key, page, offset, status, reason, null, cancellationToken);
    }

    /// <summary>A run with the state of each of its (tenant, endpoint) records, or null when the ledger has no such run.</summary>
    public static async Task<RunState?> GetRunStateAsync(this IRunLedger ledger, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return await ledger.GetRunAsync(runId, cancellationToken) is { } run
            ? new RunState(run, await ledger.GetRunEndpointsAsync(runId, cancellationToken))
            : null;
    }
}
