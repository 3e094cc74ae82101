using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// <c>POST /runs/{runId}/retry</c> and <c>retry RUN_ID</c>: republishes a run's failed and deferred pages
/// (dead-lettered requests are recorded as failed pages). Each page goes out with the watermark the run
/// read with, so page numbers mean the same records; a completed retry writes a further manifest.
/// </summary>
public sealed partial class RunRetrier(
    IRunLedger ledger,
    IWatermarkStore watermarks,
    IFetchRequestPublisher publisher,
    IOptions<PipelineOptions> options,
    ILogger<RunRetrier> logger)
{
    public async Task<RetryResult> RetryAsync(string runId, CancellationToken cancellationToken)
    {
        Identifiers.RequireRunId(runId);
        var run = await ledger.GetRunAsync(runId, cancellationToken)
            ?? throw new KeyNotFoundException($"No run '{runId}' in the ledger.");
        var messages = new List<FetchRequest>();
        var superseded = new List<string>();
        foreach (var progress in await ledger.GetRunProgressAsync(runId, cancellationToken))
        {
            if (progress.Failed + progress.Deferred == 0 || !EndpointCatalog.TryGet(progress.Endpoint, out var endpoint))
            {
                continue;
            }

            var watermark = run.Full ? null : await watermarks.GetAsync(progress.TenantId, endpoint.Name, cancellationToken);
            if (watermark?.ModifiedSince is { } since && since > run.StartedAt - options.Value.WatermarkOverlap)
            {
                // A later run loaded everything since its own start: re-reading this run's pages would be stale.
                superseded.Add($"{progress.TenantId}/{endpoint.Name}");
                continue;
            }

            var pages = await ledger.GetPagesAsync(runId, progress.TenantId, endpoint.Name, cancellationToken);
            foreach (var page in pages.Where(p => p.Status is PageStatus.Failed or PageStatus.Deferred).OrderBy(p => p.Page))
            {
                var discover = endpoint.Paging is PagingStyle.Offset or PagingStyle.PageOnly ||
                               (endpoint.Paging == PagingStyle.PageAndSize && page.Page == 1);
                if (discover && progress.LastPage == page.Page)
                {
                    await ledger.ReopenAsync(runId, progress.TenantId, endpoint.Name, cancellationToken);
                }

                var first = RunStarter.FirstRequest(runId, progress.TenantId, endpoint, watermark);
                var request = first with
                {
                    FirstPage = page.Page,
                    LastPage = page.Page,
                    Offset = endpoint.Paging == PagingStyle.Offset ? page.Offset ?? first.Offset : null,
                    Discover = discover,
                };
                await ledger.MarkPendingAsync(runId, progress.TenantId, endpoint.Name, page.Page, page.Page, request.Offset is long offset ? new Dictionary<int, long> { [page.Page] = offset } : null, cancellationToken);
                messages.Add(request);
            }
        }

        await publisher.PublishAsync(messages, cancellationToken);
        Log.Retried(logger, runId, messages.Count, superseded.Count);
        return new RetryResult(runId, messages.Count, superseded);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Run {RunId}: republished {Pages} failed or deferred pages ({Superseded} endpoints superseded by later runs)")]
        public static partial void Retried(ILogger logger, string runId, int pages, int superseded);
    }
}
