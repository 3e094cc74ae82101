using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The Worker's fetch step for one FetchRequest: for each page, a permit, the Xero call, the NDJSON object
/// (create-if-absent), the ledger entry. Page 1 of a paged endpoint publishes the remaining ranges;
/// sequential endpoints (Journals offsets, page-only endpoints) publish their continuation. The request
/// that completes the endpoint writes its manifest. Idempotent: done pages are skipped on redelivery.
/// </summary>
public sealed partial class FetchRequestHandler(
    XeroApiClient xero,
    IRunLedger ledger,
    IObjectStore objects,
    IFetchRequestPublisher publisher,
    ILeaseStore leases,
    ManifestWriter manifests,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<FetchRequestHandler> logger)
{
    private const string ContentType = "application/x-ndjson";

    /// <summary>How long a delivery may hold a page before another delivery of the same work may take it.</summary>
    private static readonly TimeSpan MinimumPageLease = TimeSpan.FromMinutes(2);

    public async Task<HandlerOutcome> HandleAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (FetchRequestValidator.Validate(request) is { } problem)
        {
            return HandlerOutcome.Poison(problem);
        }

        var endpoint = EndpointCatalog.Get(request.Endpoint);
        var run = await ledger.GetRunAsync(request.RunId, cancellationToken);
        if (run is null)
        {
            return HandlerOutcome.Poison("the run is not in the ledger");
        }

        var state = new FetchState(request, endpoint, run);
        var outcome = await FetchPagesAsync(state, cancellationToken);
        if (outcome.Kind == HandlerOutcomeKind.Retry)
        {
            return outcome;
        }

        await manifests.TryWriteAsync(run, request.TenantId, endpoint, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Records that a request will not be retried (dead-lettered): its unfinished pages become failed, and
    /// the endpoint's manifest is written if that completed it.
    /// </summary>
    public async Task MarkFailedAsync(FetchRequest request, string reason, CancellationToken cancellationToken)
    {
        if (FetchRequestValidator.Validate(request) is not null)
        {
            return;
        }

        var endpoint = EndpointCatalog.Get(request.Endpoint);
        var run = await ledger.GetRunAsync(request.RunId, cancellationToken);
        if (run is null)
        {
            return;
        }

        var pages = (await ledger.GetPagesAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken)).ToDictionary(p => p.Page);
        for (var page = request.FirstPage; page <= request.LastPage; page++)
        {
            if (pages.TryGetValue(page, out var existing) && existing.Status != PageStatus.Pending)
            {
                continue;
            }

            await ledger.RecordPageAsync(PageRecordFor(request, page, PageStatus.Failed, existing?.Offset) with { Error = reason }, cancellationToken);
        }

        if (endpoint.IsPaged && (await ledger.GetProgressAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken)).LastPage is null)
        {
            // The page that would have told us the page count failed: the endpoint ends there for this run.
            await ledger.SetLastPageAsync(request.RunId, request.TenantId, request.Endpoint, request.FirstPage, cancellationToken);
        }

        await manifests.TryWriteAsync(run, request.TenantId, endpoint, cancellationToken);
    }

    private async Task<HandlerOutcome> FetchPagesAsync(FetchState state, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        var sequential = endpoint.Paging is PagingStyle.Offset or PagingStyle.PageOnly;
        var progress = await ledger.GetProgressAsync(request.RunId, request.TenantId, endpoint.Name, cancellationToken);
        var existing = (await ledger.GetPagesAsync(request.RunId, request.TenantId, endpoint.Name, cancellationToken)).ToDictionary(p => p.Page);
        var lastPage = sequential && request.Discover ? request.FirstPage + options.Value.ChainLength - 1 : request.LastPage;
        var offset = request.Offset;

        for (var page = request.FirstPage; page <= lastPage; page++)
        {
            if (progress.LastPage is int known && page > known)
            {
                return HandlerOutcome.Ack;
            }

            PageResult result;
            if (existing.TryGetValue(page, out var record) && record.Status == PageStatus.Done)
            {
                result = new PageResult(record.IsLast, record.NextOffset ?? offset, progress.LastPage);
            }
            else
            {
                var fetched = await FetchUnderLeaseAsync(state, page, offset, cancellationToken);
                if (fetched.Outcome is { } stop)
                {
                    return stop;
                }

                if (fetched.KnownLastPage is int knownLast)
                {
                    progress = progress with { LastPage = knownLast };
                }

                result = fetched.Result!;
            }

            offset = result.NextOffset;
            if (result.IsLast)
            {
                return HandlerOutcome.Ack;
            }

            if (endpoint.Paging == PagingStyle.PageAndSize && request.Discover)
            {
                await PublishRangesAsync(state, page + 1, result.PageCount, cancellationToken);
                return HandlerOutcome.Ack;
            }
        }

        if (sequential && request.Discover)
        {
            await PublishContinuationAsync(state, lastPage + 1, offset, cancellationToken);
        }

        return HandlerOutcome.Ack;
    }

    /// <summary>
    /// At-least-once delivery: a duplicate of this message may be fetching the same page right now. Take the
    /// page's lease (waiting for it rather than nacking, which slows the whole push subscription), then reuse
    /// the page if the other delivery finished it, else fetch it. <c>KnownLastPage</c> is set when reused.
    /// </summary>
    private async Task<(PageResult? Result, HandlerOutcome? Outcome, int? KnownLastPage)> FetchUnderLeaseAsync(FetchState state, int page, long? offset, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var lease = PageLeaseName(request, page);
        if (!await AcquirePageAsync(lease, state.Owner, cancellationToken))
        {
            return (null, HandlerOutcome.Retry("another delivery of this work still holds the page", time.GetUtcNow() + TimeSpan.FromSeconds(10)), null);
        }

        try
        {
            var current = (await ledger.GetPagesAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken)).FirstOrDefault(p => p.Page == page);
            if (current is { Status: PageStatus.Done })
            {
                var lastPage = (await ledger.GetProgressAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken)).LastPage;
                return (new PageResult(current.IsLast, current.NextOffset ?? offset, lastPage), null, lastPage);
            }

            var fetched = await FetchPageAsync(state, page, offset, cancellationToken);
            return (fetched.Result, fetched.Outcome, null);
        }
        finally
        {
            await leases.ReleaseAsync(lease, state.Owner, CancellationToken.None);
        }
    }

    private async Task<(PageResult? Result, HandlerOutcome? Outcome)> FetchPageAsync(FetchState state, int page, long? offset, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        var stopwatch = Stopwatch.StartNew();
        XeroPage xeroPage;
        try
        {
            xeroPage = await xero.GetPageAsync(new PageQuery(request.TenantId, endpoint, page, offset, request.ModifiedSince, options.Value.MaxPermitWait), cancellationToken);
        }
        catch (XeroApiException ex)
        {
            return (null, await HandleFailureAsync(state, page, offset, ex, cancellationToken));
        }

        using (xeroPage)
        {
            var written = PageWriter.Write(xeroPage, endpoint, request.TenantId, request.RunId, page, time.GetUtcNow());
            string? objectName = null;
            if (written.Records > 0)
            {
                objectName = ObjectNames.Page(request.RunId, request.TenantId, endpoint, page);
                await objects.CreateIfAbsentAsync(objectName, written.Content, ContentType, cancellationToken);
            }

            var isLast = IsLastPage(endpoint, page, written.Records, xeroPage.Pagination);
            var nextOffset = endpoint.Paging == PagingStyle.Offset ? written.MaxJournalNumber ?? offset : offset;
            await ledger.CountCallsAsync(request.RunId, request.TenantId, endpoint.Name, xeroPage.Calls, xeroPage.Throttles, cancellationToken);
            if (isLast)
            {
                await ledger.SetLastPageAsync(request.RunId, request.TenantId, endpoint.Name, page, cancellationToken);
            }
            else if (endpoint.Paging == PagingStyle.PageAndSize && xeroPage.Pagination is { PageCount: > 0 } pagination && request.Discover)
            {
                await ledger.SetLastPageAsync(request.RunId, request.TenantId, endpoint.Name, Math.Max(pagination.PageCount, page), cancellationToken);
            }

            await ledger.RecordPageAsync(
                PageRecordFor(request, page, PageStatus.Done, offset) with
                {
                    Records = written.Records,
                    ObjectName = objectName,
                    NextOffset = nextOffset,
                    IsLast = isLast,
                    UpdatedAt = time.GetUtcNow(),
                },
                cancellationToken);
            Log.PageFetched(logger, request.RunId, request.TenantId, endpoint.Name, page, written.Records, written.Content.Length, stopwatch.ElapsedMilliseconds, xeroPage.Calls);
            return (new PageResult(isLast, nextOffset, xeroPage.Pagination?.PageCount), null);
        }
    }

    private async Task<HandlerOutcome> HandleFailureAsync(FetchState state, int page, long? offset, XeroApiException ex, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        switch (ex.Failure)
        {
            case XeroFailure.DayLimitReached:
            case XeroFailure.RateLimited when ex.Detail == nameof(RateLimitProblem.Day):
                Log.Deferred(logger, request.RunId, request.TenantId, endpoint.Name, page, ex.RetryAt);
                await EndAtAsync(state, page, offset, PageStatus.Deferred, "daily call limit reached", cancellationToken);
                return HandlerOutcome.Ack;
            case XeroFailure.AccessDenied when endpoint.NotEntitledIsSkip:
                Log.NotEntitled(logger, request.RunId, request.TenantId, endpoint.Name, ex.StatusCode ?? 0);
                await EndAtAsync(state, page, offset, PageStatus.NotEntitled, $"not entitled ({ex.StatusCode}): {ex.Detail}", cancellationToken);
                return HandlerOutcome.Ack;
            case XeroFailure.AccessDenied:
            case XeroFailure.BadRequest:
                Log.PageFailed(logger, request.RunId, request.TenantId, endpoint.Name, page, ex.Message);
                await EndAtAsync(state, page, offset, PageStatus.Failed, ex.Message, cancellationToken);
                return HandlerOutcome.Ack;
            case XeroFailure.PermitUnavailable:
                return HandlerOutcome.Retry("no rate-limit permit before the deadline", ex.RetryAt);
            case XeroFailure.Transient:
            case XeroFailure.RateLimited:
            default:
                return HandlerOutcome.Retry(ex.Message, ex.RetryAt);
        }
    }

    /// <summary>
    /// A page that will not be fetched in this run: record it, and the pages after it in this request.
    /// Where the endpoint's extent is still unknown (discovery, sequential chains), it ends at this page.
    /// </summary>
    private async Task EndAtAsync(FetchState state, int page, long? offset, PageStatus status, string reason, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var progress = await ledger.GetProgressAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken);
        var last = progress.LastPage ?? page;
        if (progress.LastPage is null)
        {
            await ledger.SetLastPageAsync(request.RunId, request.TenantId, request.Endpoint, page, cancellationToken);
        }

        var through = status == PageStatus.Deferred ? Math.Min(request.LastPage, last) : page;
        var pages = (await ledger.GetPagesAsync(request.RunId, request.TenantId, request.Endpoint, cancellationToken)).ToDictionary(p => p.Page);
        for (var p = page; p <= Math.Max(page, through); p++)
        {
            if (pages.TryGetValue(p, out var existing) && existing.Status == PageStatus.Done)
            {
                continue;
            }

            await ledger.RecordPageAsync(PageRecordFor(request, p, status, p == page ? offset : existing?.Offset) with { Error = reason, UpdatedAt = time.GetUtcNow() }, cancellationToken);
        }
    }

    private async Task PublishRangesAsync(FetchState state, int firstPage, int? pageCount, CancellationToken cancellationToken)
    {
        var request = state.Request;
        if (pageCount is not int count || count < firstPage)
        {
            // No usable pagination metadata: fall back to reading the next page and discovering again.
            await PublishContinuationAsync(state, firstPage, null, cancellationToken);
            return;
        }

        var size = options.Value.PagesPerMessage;
        var messages = new List<FetchRequest>();
        for (var first = firstPage; first <= count; first += size)
        {
            messages.Add(request with { FirstPage = first, LastPage = Math.Min(count, first + size - 1), Discover = false, Offset = null });
        }

        await ledger.MarkPendingAsync(request.RunId, request.TenantId, request.Endpoint, firstPage, count, null, cancellationToken);
        await publisher.PublishAsync(messages, cancellationToken);
    }

    private async Task PublishContinuationAsync(FetchState state, int page, long? offset, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var next = request with { FirstPage = page, LastPage = page, Offset = offset, Discover = true };
        await ledger.MarkPendingAsync(request.RunId, request.TenantId, request.Endpoint, page, page, offset is long o ? new Dictionary<int, long> { [page] = o } : null, cancellationToken);
        await publisher.PublishAsync([next], cancellationToken);
    }

    /// <summary>Takes the page's lease, waiting (bounded by the permit wait, at most a minute) while another delivery holds it.</summary>
    private async Task<bool> AcquirePageAsync(string lease, string owner, CancellationToken cancellationToken)
    {
        var patience = options.Value.MaxPermitWait == Timeout.InfiniteTimeSpan || options.Value.MaxPermitWait > TimeSpan.FromMinutes(1)
            ? TimeSpan.FromMinutes(1)
            : options.Value.MaxPermitWait;
        var giveUpAt = time.GetUtcNow() + patience;
        while (!await leases.TryAcquireAsync(lease, owner, PageLease, cancellationToken))
        {
            if (time.GetUtcNow() >= giveUpAt)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
        }

        return true;
    }

    private TimeSpan PageLease =>
        options.Value.MaxPermitWait == Timeout.InfiniteTimeSpan || options.Value.MaxPermitWait < MinimumPageLease
            ? MinimumPageLease
            : options.Value.MaxPermitWait + MinimumPageLease;

    private static string PageLeaseName(FetchRequest request, int page) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"page:{request.RunId}/{request.TenantId}/{request.Endpoint}/{page}");

    private static bool IsLastPage(XeroEndpoint endpoint, int page, int records, XeroPagination? pagination) => endpoint.Paging switch
    {
        PagingStyle.None => true,
        PagingStyle.PageAndSize => records < endpoint.PageSize || (pagination is { PageCount: > 0 } p && page >= p.PageCount),
        _ => records < endpoint.PageSize,
    };

    private static PageRecord PageRecordFor(FetchRequest request, int page, PageStatus status, long? offset) =>
        new(request.RunId, request.TenantId, request.Endpoint, page, status, Offset: offset);

    private sealed record FetchState(FetchRequest Request, XeroEndpoint Endpoint, RunInfo Run)
    {
        /// <summary>This delivery's identity as a page-lease owner.</summary>
        public string Owner { get; } = Guid.NewGuid().ToString("N");
    }

    private sealed record PageResult(bool IsLast, long? NextOffset, int? PageCount);

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Fetched run {RunId} tenant {TenantId} {Endpoint} page {Page}: {Records} records, {Bytes} bytes, {ElapsedMs} ms, {Calls} calls")]
        public static partial void PageFetched(ILogger logger, string runId, string tenantId, string endpoint, int page, int records, int bytes, long elapsedMs, int calls);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: deferred from page {Page}, the tenant's daily limit is spent (reset {RetryAt})")]
        public static partial void Deferred(ILogger logger, string runId, string tenantId, string endpoint, int page, DateTimeOffset? retryAt);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: not entitled ({Status}); skipped")]
        public static partial void NotEntitled(ILogger logger, string runId, string tenantId, string endpoint, int status);

        [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page} failed: {Reason}")]
        public static partial void PageFailed(ILogger logger, string runId, string tenantId, string endpoint, int page, string reason);
    }
}
