using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Storage;
using XeroSync.Warehouse;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The last step of a reconcile's endpoint, once the ledger says it is complete (every page read, every manifest loaded):
/// the ids this run read (its page objects: summaryOnly pages for an ID sweep, full records for a refresh) are compared
/// with the ids the latest view holds live that were last fetched before the run started; those Xero no longer returns
/// get a tombstone (<see cref="TombstoneWriter"/>), loaded into the raw table under a deterministic job id, and the
/// ledger records the counts. An incomplete sweep (a failed or budget-deferred page) never marks anything deleted.
/// Idempotent: a tombstone object that exists is loaded as it is (never recomputed), and a recorded sweep is final.
/// </summary>
public sealed partial class DeletionSweeper(
    IObjectStore objects,
    IWarehouse warehouse,
    IRunLedger ledger,
    TimeProvider time,
    ILogger<DeletionSweeper> logger)
{
    private const string ContentType = "application/x-ndjson";

    public async Task SweepAsync(RunInfo run, XeroEndpoint endpoint, EndpointState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(state);
        if (run.Reconcile is null || !state.IsComplete || state.IsSkipped || state.Swept is not null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in await ledger.GetAllPagesAsync(state.Key, cancellationToken))
        {
            if (page.Status == PageStatus.Done && page.ObjectName is { } name)
            {
                await ReadRecordIdsAsync(name, seen, cancellationToken);
            }
        }

        var tombstones = ObjectNames.Tombstones(run.RunId, state.TenantId, endpoint);
        long deletes;
        if (await ExistsAsync(tombstones, cancellationToken))
        {
            // An earlier attempt wrote them (and may have loaded them): the view no longer lists those ids as live.
            deletes = (await StoredPageSummary.ReadAsync(objects, tombstones, cancellationToken)).Records;
        }
        else
        {
            var live = await warehouse.GetLiveIdsAsync(state.TenantId, endpoint, run.StartedAt, cancellationToken);
            var gone = live.Where(id => !seen.Contains(id)).Order(StringComparer.Ordinal).ToList();
            deletes = gone.Count;
            if (gone.Count > 0 &&
                !await objects.CreateIfAbsentAsync(tombstones, TombstoneWriter.Write(state.TenantId, run.RunId, gone, time.GetUtcNow()), ContentType, cancellationToken))
            {
                deletes = (await StoredPageSummary.ReadAsync(objects, tombstones, cancellationToken)).Records;
            }
        }

        if (deletes > 0)
        {
            var rows = await warehouse.LoadAsync(new LoadJob(ManifestLoader.JobId(tombstones), endpoint, [tombstones], deletes), cancellationToken);
            if (rows != deletes)
            {
                throw new InvalidOperationException($"Tombstones {tombstones} loaded {rows} rows but hold {deletes}.");
            }
        }

        await ledger.RecordSweepAsync(state.Key, seen.Count, deletes, cancellationToken);
        Log.Swept(logger, run.RunId, state.TenantId, endpoint.Name, seen.Count, deletes, state.Calls);
    }

    private async Task<bool> ExistsAsync(string objectName, CancellationToken cancellationToken)
    {
        await using var stream = await objects.OpenReadAsync(objectName, cancellationToken);
        return stream is not null;
    }

    private async Task ReadRecordIdsAsync(string objectName, HashSet<string> into, CancellationToken cancellationToken)
    {
        await using var stored = await objects.OpenReadAsync(objectName, cancellationToken)
            ?? throw new InvalidOperationException($"Page object {objectName} is recorded as done but cannot be read.");
        await using var gzip = new GZipStream(stored, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("record_id", out var id) && id.GetString() is { } recordId)
            {
                into.Add(recordId);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Reconcile {RunId} tenant {TenantId} {Endpoint}: {Swept} ids swept, {Deletes} records Xero no longer returns marked deleted, {Calls} calls")]
        public static partial void Swept(ILogger logger, string runId, string tenantId, string endpoint, long swept, long deletes, int calls);
    }
}
