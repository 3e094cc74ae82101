using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// <c>POST /runs/{runId}/retry</c> and <c>retry RUN_ID</c>: finishes whatever a run left unfinished, asking the
/// ledger what that is: pages failed, deferred or dead-lettered, pending pages nobody holds (their messages were
/// lost or never published), pages the plan knows but never opened, manifests claimed but never written,
/// manifests written but never loaded, and watermarks of complete endpoints that did not move. Each page goes out
/// with the watermark the run read with, so page numbers mean the same records. Any number of times; idempotent.
/// </summary>
public sealed partial class RunRetrier(
    IRunLedger ledger,
    IWatermarkStore watermarks,
    IFetchRequestPublisher publisher,
    EndpointCoordinator coordinator,
    ManifestLoader loader,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<RunRetrier> logger)
{
    public async Task<RetryResult> RetryAsync(string runId, CancellationToken cancellationToken)
    {
        Identifiers.RequireRunId(runId);
        var run = await ledger.GetRunAsync(runId, cancellationToken)
            ?? throw new KeyNotFoundException($"No run '{runId}' in the ledger.");
        var messages = new List<FetchRequest>();
        var superseded = new List<string>();
        int written = 0, loaded = 0, advanced = 0;
        foreach (var state in await ledger.GetRunEndpointsAsync(runId, cancellationToken))
        {
            if (!EndpointCatalog.TryGet(state.Endpoint, out var endpoint))
            {
                continue;
            }

            var key = state.Key;
            if (state.IsComplete)
            {
                if (state.MayAdvanceWatermark)
                {
                    await coordinator.AdvanceWatermarkAsync(run, endpoint, state, cancellationToken);
                    advanced++;
                }

                continue;
            }

            var watermark = run.Full ? null : await watermarks.GetAsync(state.TenantId, endpoint.Name, cancellationToken);
            FetchRequest? readWith = null;
            if (watermark?.ModifiedSince is { } since && since > run.StartedAt - options.Value.WatermarkOverlap)
            {
                // A later run loaded everything since its own start: re-reading this run's pages would be stale.
                superseded.Add($"{state.TenantId}/{endpoint.Name}");
            }
            else
            {
                var pages = await UnfinishedPagesAsync(state, endpoint, cancellationToken);
                if (pages.Count > 0)
                {
                    await ledger.ReopenPagesAsync(key, pages, cancellationToken);
                    messages.AddRange(pages.Select(p => RequestFor(run, state, endpoint, watermark, p)));
                    continue;
                }

                // Its last page was read but the delivery may have stopped before checking the reads: checked (or re-read) now.
                readWith = RunStarter.FirstRequest(run.RunId, state.TenantId, endpoint, watermark);
            }

            written += (await coordinator.AdvanceAsync(run, key, endpoint, readWith, cancellationToken)).Count;
            foreach (var manifest in await ledger.GetManifestsAsync(key, cancellationToken))
            {
                // Claimed and not loaded: its object now exists (written above, or earlier) and its finalize event may have been lost.
                if (manifest.State.AwaitsLoad())
                {
                    var outcome = await loader.HandleAsync(ObjectNames.Manifest(run.RunId, state.TenantId, endpoint, manifest.Sequence), cancellationToken);
                    loaded += outcome.Kind == HandlerOutcomeKind.Ack ? 1 : 0;
                }
            }
        }

        await publisher.PublishAsync(messages, cancellationToken);
        Log.Retried(logger, runId, messages.Count, written, loaded, advanced, superseded.Count);
        return new RetryResult(runId, messages.Count, written, loaded, advanced, superseded);
    }

    /// <summary>The pages to publish again: ended ones, pending ones no live delivery holds, and the plan's pages that were never opened.</summary>
    private async Task<IReadOnlyList<PendingPage>> UnfinishedPagesAsync(EndpointState state, XeroEndpoint endpoint, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pages = await ledger.GetAllPagesAsync(state.Key, cancellationToken);
        var unfinished = pages
            .Where(p => p.Status is PageStatus.Failed or PageStatus.Deferred ||
                        (p.Status == PageStatus.Pending && (p.LeaseExpiresAt is null || p.LeaseExpiresAt <= now)))
            .Select(p => new PendingPage(p.Page, p.Offset))
            .ToList();
        var known = pages.Select(p => p.Page).ToHashSet();
        if (state.LastPage is int last && endpoint.Paging is PagingStyle.PageAndSize or PagingStyle.Detail)
        {
            unfinished.AddRange(Enumerable.Range(1, last).Where(p => !known.Contains(p)).Select(p => new PendingPage(p)));
        }
        else if (pages.Count > 0 && pages[^1] is { Status: PageStatus.Done, IsLast: false } tail && state.LastPage is null)
        {
            // A chain whose continuation was never opened (the process stopped between the two).
            unfinished.Add(new PendingPage(tail.Page + 1, endpoint.Paging == PagingStyle.Offset ? tail.NextOffset : null));
        }

        return [.. unfinished.OrderBy(p => p.Page)];
    }

    private static FetchRequest RequestFor(RunInfo run, EndpointState state, XeroEndpoint endpoint, Watermark? watermark, PendingPage page)
    {
        var first = RunStarter.FirstRequest(run.RunId, state.TenantId, endpoint, watermark);

        // A page of a re-read pass reads the Xero page it stands for, as a chain.
        int? pageBase = state.Pass > 0 && page.Page >= state.PassFirstPage ? state.PassFirstPage - 1 : null;

        // Chains, and a paged endpoint whose page count is not known yet, read on from this page and discover again.
        var discover = endpoint.Paging is PagingStyle.Offset or PagingStyle.PageOnly || pageBase is not null ||
                       (endpoint.Paging == PagingStyle.PageAndSize && (page.Page == 1 || state.LastPage is null)) ||
                       (endpoint.Paging == PagingStyle.Detail && page.Page == 1);
        return first with
        {
            FirstPage = page.Page,
            LastPage = page.Page,
            Offset = endpoint.Paging == PagingStyle.Offset ? page.Offset ?? first.Offset : null,
            Discover = discover,
            PageBase = pageBase,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Run {RunId} retried: {Pages} pages republished, {Written} manifests written, {Loaded} manifests loaded, {Advanced} watermarks advanced ({Superseded} endpoints superseded by later runs)")]
        public static partial void Retried(ILogger logger, string runId, int pages, int written, int loaded, int advanced, int superseded);
    }
}
