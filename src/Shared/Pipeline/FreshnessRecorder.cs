using Microsoft.Extensions.Logging;
using XeroSync.Ledger;
using XeroSync.Webhooks;

namespace XeroSync.Pipeline;

/// <summary>
/// Owns webhook freshness: records the changes a targeted run reads per (organisation, endpoint) before it is published,
/// and when the ledger says such an endpoint is complete, records it as landed and writes one INFO line (event 1150)
/// with its event-to-landed latency, the line the <c>webhook_slow_landings</c> log metric counts.
/// </summary>
public sealed partial class FreshnessRecorder(IFreshnessStore store, TimeProvider time, ILogger<FreshnessRecorder> logger)
{
    /// <summary>Records the batches of a targeted run: one per (organisation, endpoint) of <paramref name="changes"/>.</summary>
    public Task SeenAsync(string runId, IEnumerable<RecordChange> changes, CancellationToken cancellationToken)
    {
        var batches = changes
            .GroupBy(c => (c.TenantId, c.Endpoint))
            .Select(g => new ChangeBatch(runId, g.Key.TenantId, g.Key.Endpoint, g.Select(c => c.RecordId).Distinct(StringComparer.Ordinal).Count(), g.Min(c => c.ChangedAt), g.Max(c => c.ChangedAt)))
            .ToList();
        return store.RecordSeenAsync(batches, cancellationToken);
    }

    /// <summary>After a load: a targeted run's endpoint now complete lands its batch (once, however often this is called).</summary>
    public async Task LandedAsync(RunInfo run, EndpointState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(state);
        if (!run.Targeted || !state.IsComplete)
        {
            return;
        }

        if (await store.RecordLandedAsync(state.Key, time.GetUtcNow(), cancellationToken) is { } landed)
        {
            var latency = Math.Round(landed.Latency.TotalSeconds, 3);
            var latestLatency = Math.Round(landed.LatestLatency.TotalSeconds, 3);
            Log.Landed(logger, state.RunId, state.TenantId, state.Endpoint, landed.Batch.Changes, latency, latestLatency, landed.Batch.LatestEvent);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "Webhook changes landed: run {RunId} tenant {TenantId} {Endpoint}: {Changes} records, event-to-landed {LatencySeconds} s (latest event {LatestLatencySeconds} s, at {LatestEvent})")]
        public static partial void Landed(ILogger logger, string runId, string tenantId, string endpoint, int changes, double latencySeconds, double latestLatencySeconds, DateTimeOffset latestEvent);
    }
}
