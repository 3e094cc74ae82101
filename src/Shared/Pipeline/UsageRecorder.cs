using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Storage;
using XeroSync.Warehouse;

namespace XeroSync.Pipeline;

/// <summary>
/// Puts a finished run's Xero usage (per organisation and UTC day: calls, bytes received, bytes decoded, from the ledger)
/// into the warehouse: one small NDJSON object per run, loaded like the pages (a deterministic job id from its name). A run
/// still running is left for later; a run finished again by a retry is recorded again (its object is named by its content).
/// Locally a sync records its run when it ends; in the cloud the Dispatcher records the recent finished runs when it starts
/// the next one (one object and one load per run, never a write per call).
/// </summary>
public sealed partial class UsageRecorder(IRunLedger ledger, IObjectStore objects, IWarehouse warehouse, TimeProvider time, ILogger<UsageRecorder> logger)
{
    /// <summary>How many of the newest runs the Dispatcher looks at when it starts a run.</summary>
    public const int RecentRuns = 5;

    /// <summary>Records the run's usage if it has finished (complete or partial); false when it is still running or unknown.</summary>
    public async Task<bool> RecordAsync(string runId, CancellationToken cancellationToken)
    {
        if (await ledger.GetRunStateAsync(runId, cancellationToken) is not { } state || state.Phase == RunPhase.Running)
        {
            return false;
        }

        await RecordAsync(state, cancellationToken);
        return true;
    }

    /// <summary>Records each of the newest runs that has finished (already recorded ones cost one object check and change nothing).</summary>
    public async Task RecordRecentAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await ledger.ListRunsAsync(RecentRuns, cancellationToken))
        {
            var state = new RunState(run, await ledger.GetRunEndpointsAsync(run.RunId, cancellationToken));
            if (state.Phase == RunPhase.Running)
            {
                continue;
            }

            try
            {
                await RecordAsync(state, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The usage table must never keep a run from starting: the next start tries again.
                Log.NotRecorded(logger, run.RunId, ex.GetType().Name, ex.Message);
            }
        }
    }

    private async Task RecordAsync(RunState state, CancellationToken cancellationToken)
    {
        var usage = TenantUsage.Of(state.Endpoints);
        var lines = usage.SelectMany(t => t.Days.Select(d => (t.TenantId, Day: d))).ToList();
        if (lines.Count == 0)
        {
            return;
        }

        // The name comes from the usage itself (not the time it is recorded), so recording the same usage twice is one object.
        var body = new StringBuilder();
        foreach (var (tenantId, day) in lines)
        {
            body.Append(CultureInfo.InvariantCulture, $"{{\"run_id\":\"{state.Run.RunId}\",\"tenant_id\":\"{tenantId}\",\"day\":\"{day.Day:yyyy-MM-dd}\",\"calls\":{day.Calls},\"bytes_received\":{day.BytesReceived},\"bytes_decoded\":{day.BytesDecoded}}}\n");
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToString())))[..16];
        var name = ObjectNames.Usage(state.Run.RunId, fingerprint);
        var recordedAt = JsonSerializer.Serialize(time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        var content = Encoding.UTF8.GetBytes(body.ToString().Replace("}\n", $",\"recorded_at\":{recordedAt}}}\n", StringComparison.Ordinal));
        await objects.CreateIfAbsentAsync(name, content, "application/x-ndjson", cancellationToken);
        var rows = await warehouse.LoadUsageAsync(new UsageLoad(ManifestLoader.JobId(name), name, lines.Count), cancellationToken);
        var received = usage.Sum(u => u.BytesReceived);
        Log.Recorded(logger, state.Run.RunId, usage.Count, rows, received);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 561, Level = LogLevel.Warning, Message = "Run {RunId}: Xero usage not recorded in the warehouse yet ({Error}: {Message}); the next run start tries again")]
        public static partial void NotRecorded(ILogger logger, string runId, string error, string message);

        [LoggerMessage(EventId = 560, Level = LogLevel.Information, Message = "Run {RunId}: Xero usage of {Tenants} organisation(s) in the warehouse ({Rows} rows, {BytesReceived} bytes received)")]
        public static partial void Recorded(ILogger logger, string runId, int tenants, long rows, long bytesReceived);
    }
}
