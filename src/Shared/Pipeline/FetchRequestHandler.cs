using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.RateLimiting;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The Worker's fetch step for one FetchRequest. For each page: a claim on the page in the ledger (its lease,
/// renewed while held), a permit, the Xero call, the NDJSON object (create-if-absent), then the page recorded
/// as done. Page 1 of a paged endpoint opens and publishes the remaining ranges; sequential endpoints (Journals
/// offsets, page-only endpoints) open and publish their continuation. After the delivery's pages the
/// <see cref="EndpointCoordinator"/> moves the endpoint on once they settled it: its reads checked against what Xero
/// holds (re-reading what moved), then its manifest claimed and written. Idempotent: a done page is never fetched
/// again; a page another delivery holds is watched until its holder renews the lease (alive: the page is left to it and
/// this delivery moves on or ends) or lets it lapse (gone: taken over), so no delivery is held open on another's work.
/// A listed endpoint with details (Budgets, ContactGroups) publishes its detail endpoint's page 1 once its list page
/// is done; that page reads the plan from the stored list page (<see cref="DetailPlan"/>) and publishes the rest, one
/// <c>GET /{Parent}/{id}</c> per page, under the same permits, leases, retries and dead letters as any page.
/// </summary>
public sealed partial class FetchRequestHandler(
    XeroApiClient xero,
    IRunLedger ledger,
    IObjectStore objects,
    IFetchRequestPublisher publisher,
    EndpointCoordinator coordinator,
    IWatermarkStore watermarks,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<FetchRequestHandler> logger)
{
    private const string ContentType = "application/x-ndjson";

    public async Task<HandlerOutcome> HandleAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (FetchRequestValidator.Validate(request) is { } problem)
        {
            return HandlerOutcome.Poison(problem);
        }

        var run = await ledger.GetRunForTenantAsync(request.RunId, request.TenantId, cancellationToken);
        if (run is null)
        {
            return HandlerOutcome.Poison("the run is not in the ledger");
        }

        var budget = options.Value.DeliveryBudget;
        var deadline = budget == Timeout.InfiniteTimeSpan ? (DateTimeOffset?)null : time.GetUtcNow() + budget;
        var state = new FetchState(request, run, EndpointCatalog.Get(request.Endpoint), new EndpointKey(request.RunId, request.TenantId, request.Endpoint), deadline);
        var outcome = await FetchPagesAsync(state, cancellationToken);
        if (outcome.Kind == HandlerOutcomeKind.Retry)
        {
            return outcome;
        }

        // After the delivery's pages, the endpoint moves on (verified, its manifest written) when they settled it.
        await coordinator.AdvanceAsync(run, state.Key, state.Endpoint, request, cancellationToken);
        if (state.Details is { } details)
        {
            // The list may have ended its details' page 1 (failed, deferred, not entitled): their manifest is due too.
            await coordinator.AdvanceAsync(run, state.DetailsKey, details, request, cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Records that a request will never be delivered again (dead-lettered): every page it was responsible for and
    /// did not finish becomes failed, so the endpoint ends partial (never complete with a gap) and a retry can
    /// republish exactly those pages. A chain's responsibility is its first unfinished page; a discovery request's
    /// includes the pages it may not have published.
    /// </summary>
    public async Task MarkUndeliveredAsync(FetchRequest request, string reason, CancellationToken cancellationToken)
    {
        if (FetchRequestValidator.Validate(request) is not null)
        {
            return;
        }

        var run = await ledger.GetRunAsync(request.RunId, cancellationToken);
        if (run is null)
        {
            return;
        }

        var endpoint = EndpointCatalog.Get(request.Endpoint);
        var key = new EndpointKey(request.RunId, request.TenantId, request.Endpoint);
        foreach (var (page, offset) in await UnfinishedResponsibilityAsync(request, endpoint, key, cancellationToken))
        {
            await ledger.RecordPageEndedAsync(key, page, offset, PageStatus.Failed, reason, cancellationToken);
            if (page == 1 && EndpointCatalog.DetailsOf(endpoint) is { } details)
            {
                // The list was never read, so nobody will publish its details: they end with it.
                var detailsKey = key with { Endpoint = details.Name };
                await ledger.RecordPageEndedAsync(detailsKey, 1, null, PageStatus.Failed, $"the {endpoint.Name} list was not read: {reason}", cancellationToken);
                await coordinator.AdvanceAsync(run, detailsKey, details, null, cancellationToken);
            }
        }

        Log.Undelivered(logger, request.RunId, request.TenantId, request.Endpoint, request.FirstPage, request.LastPage);
        await coordinator.AdvanceAsync(run, key, endpoint, null, cancellationToken);
    }

    private async Task<IReadOnlyList<(int Page, long? Offset)>> UnfinishedResponsibilityAsync(FetchRequest request, XeroEndpoint endpoint, EndpointKey key, CancellationToken cancellationToken)
    {
        if (IsChain(request, endpoint))
        {
            // A chain: the first page from here on that is not done; past a done last page there is nothing.
            var offset = request.Offset;
            for (var page = request.FirstPage; ; page += options.Value.ChainLength)
            {
                var records = (await ledger.GetPagesAsync(key, page, page + options.Value.ChainLength - 1, cancellationToken)).ToDictionary(p => p.Page);
                for (var p = page; p < page + options.Value.ChainLength; p++)
                {
                    if (!records.TryGetValue(p, out var record) || record.Status != PageStatus.Done)
                    {
                        return [(p, record?.Offset ?? offset)];
                    }

                    if (record.IsLast)
                    {
                        return [];
                    }

                    offset = record.NextOffset ?? offset;
                }
            }
        }

        var unfinished = new List<(int, long?)>();
        var first = await ledger.GetPagesAsync(key, request.FirstPage, request.LastPage, cancellationToken);
        var byPage = first.ToDictionary(p => p.Page);
        for (var page = request.FirstPage; page <= request.LastPage; page++)
        {
            if (!byPage.TryGetValue(page, out var record) || record.Status != PageStatus.Done)
            {
                unfinished.Add((page, record?.Offset ?? request.Offset));
            }
        }

        if (endpoint.Paging is PagingStyle.PageAndSize or PagingStyle.Detail && request.Discover && unfinished.Count == 0 &&
            (await ledger.GetEndpointAsync(key, cancellationToken)).LastPage is int last && last > request.LastPage)
        {
            // Page 1 was read, but the ranges it should have published may never have gone out.
            var rest = (await ledger.GetPagesAsync(key, request.LastPage + 1, last, cancellationToken)).ToDictionary(p => p.Page);
            for (var page = request.LastPage + 1; page <= last; page++)
            {
                if (!rest.TryGetValue(page, out var record) || record.Status != PageStatus.Done)
                {
                    unfinished.Add((page, null));
                }
            }
        }

        return unfinished;
    }

    private async Task<HandlerOutcome> FetchPagesAsync(FetchState state, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        var sequential = IsChain(request, endpoint);
        var lastInRequest = sequential ? request.FirstPage + options.Value.ChainLength - 1 : request.LastPage;
        var offset = request.Offset;
        HandlerOutcome? retry = null;
        if (endpoint.Paging == PagingStyle.Detail && !await PlanDetailsAsync(state, cancellationToken))
        {
            return HandlerOutcome.Ack;
        }

        if (!sequential && !request.Discover && request.PageCount > 1)
        {
            return await FetchRangeAsync(state, cancellationToken);
        }

        for (var page = request.FirstPage; page <= lastInRequest; page++)
        {
            var result = await ReadPageAsync(state, page, offset, cancellationToken);
            switch (result.Kind)
            {
                case PageResultKind.Retry when !sequential && !request.Discover && !IsPastDeadline(state):
                    // The pages of a range are independent: read the others, then ask for a redelivery of this one.
                    retry ??= result.Outcome;
                    continue;
                case PageResultKind.Retry:
                    return result.Outcome!;
                case PageResultKind.HandedOn when !sequential && !request.Discover:
                    // A range's pages are independent: the holder answers for this one, this delivery reads the others.
                    continue;
                case PageResultKind.HandedOn:
                    // A live delivery holds this page of the chain (or the discovery): it reads on and publishes what follows.
                    return retry ?? HandlerOutcome.Ack;
                case PageResultKind.BeyondEnd:
                    return retry ?? HandlerOutcome.Ack;
                case PageResultKind.Ended when result.Status == PageStatus.Deferred:
                    // The tenant's day budget is spent: the rest of this range is deferred too, without calling Xero.
                    for (var rest = page + 1; !sequential && rest <= lastInRequest; rest++)
                    {
                        await ledger.RecordPageEndedAsync(state.Key, rest, null, PageStatus.Deferred, "daily call limit reached", cancellationToken);
                    }

                    return retry ?? HandlerOutcome.Ack;
                case PageResultKind.Ended when sequential || request.Discover:
                    // The chain (or discovery) stops at a page that was not read; the ledger marks the endpoint partial.
                    return retry ?? HandlerOutcome.Ack;
                case PageResultKind.Ended:
                    continue;
            }

            var record = result.Page!;
            offset = record.NextOffset ?? offset;
            if (page == 1 && state.Details is not null)
            {
                await PublishDetailsAsync(state, cancellationToken);
            }

            if (record.IsLast)
            {
                return retry ?? HandlerOutcome.Ack;
            }

            if (endpoint.Paging is PagingStyle.PageAndSize or PagingStyle.Detail && request.Discover && !sequential)
            {
                await PublishRangesAsync(state, page + 1, cancellationToken);
                return retry ?? HandlerOutcome.Ack;
            }
        }

        if (retry is not null)
        {
            return retry;
        }

        if (sequential)
        {
            await PublishContinuationAsync(state, lastInRequest + 1, offset, cancellationToken);
        }

        return HandlerOutcome.Ack;
    }

    /// <summary>
    /// A range's pages are independent (the plan knows them all): they are read at once, each under its own permit, so the
    /// organisation's limit (5 in flight), not the message, decides how many calls go together. A page that needs a
    /// redelivery makes the delivery answer so once the others are read; a page another live delivery holds is its to finish;
    /// a day limit defers each page it stops, as it denies each one its permit.
    /// </summary>
    private async Task<HandlerOutcome> FetchRangeAsync(FetchState state, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var results = await Task.WhenAll(Enumerable.Range(request.FirstPage, request.PageCount).Select(page => ReadPageAsync(state, page, request.Offset, cancellationToken)));
        return results.FirstOrDefault(r => r.Kind == PageResultKind.Retry)?.Outcome ?? HandlerOutcome.Ack;
    }

    /// <summary>
    /// The request reads a chain, one page after another until a short page: Journals offsets, page-only endpoints,
    /// and a paged endpoint read on from page 2 because page 1 reported no page count.
    /// </summary>
    private static bool IsChain(FetchRequest request, XeroEndpoint endpoint) =>
        endpoint.Paging is PagingStyle.Offset or PagingStyle.PageOnly ||
        (endpoint.Paging == PagingStyle.PageAndSize && request.Discover && request.FirstPage > 1);

    private bool IsPastDeadline(FetchState state) => state.Deadline is { } deadline && time.GetUtcNow() >= deadline;

    /// <summary>One page: claim it (or reuse it if done, or wait while another delivery holds it), then fetch and record it.</summary>
    private async Task<PageResult> ReadPageAsync(FetchState state, int page, long? offset, CancellationToken cancellationToken)
    {
        // A crashed holder's lease must run out well inside a waiting delivery's budget, or the waiter nacks and spends an attempt.
        var budget = options.Value.DeliveryBudget;
        var lease = budget != Timeout.InfiniteTimeSpan && budget / 3 < options.Value.PageLease ? budget / 3 : options.Value.PageLease;
        var watch = new HeldPageWatch();
        while (true)
        {
            // The permit first, then the claim: a delivery waiting for its tenant's turn holds no lease that needs renewing
            // (one ledger write a page instead of one every few seconds of the wait). A page already done or held elsewhere
            // is seen by a read and never waits for a permit.
            XeroPermit? permit = null;
            PageResult result;
            try
            {
                if (await NeedsCallAsync(state, page, cancellationToken) && QueryFor(state, page, offset) is { } query)
                {
                    try
                    {
                        permit = await xero.AcquirePermitAsync(query, cancellationToken);
                    }
                    catch (XeroApiException ex)
                    {
                        return await HandleFailureAsync(state, page, offset, ex, cancellationToken);
                    }
                }

                result = await ClaimAsync(state, page, offset, lease, watch, permit, cancellationToken);
            }
            finally
            {
                // The one place a permit goes back unused: the page turned out done, beyond the end or held elsewhere once
                // claimed, or its read failed before the request went out. A permit whose request went out was released
                // by its call, and a permit ends once: then this gives nothing back.
                if (permit is not null)
                {
                    await permit.ReturnUnusedAsync();
                }
            }

            if (result.Kind != PageResultKind.LookAgain)
            {
                return result;
            }

            // The permit is back before the wait: the tenant's other deliveries may use it meanwhile.
            await Task.Delay(result.Pause, time, cancellationToken);
        }
    }

    /// <summary>
    /// Whether reading the page may take a Xero call: not when the ledger already has it done, or another live delivery
    /// holds it (a read; the claim that follows decides).
    /// </summary>
    private async Task<bool> NeedsCallAsync(FetchState state, int page, CancellationToken cancellationToken)
    {
        var pages = await ledger.GetPagesAsync(state.Key, page, page, cancellationToken);
        return (pages.Count == 0 ? null : pages[0]) switch
        {
            { Status: PageStatus.Done } => false,
            { LeaseOwner: { } holder, LeaseExpiresAt: { } until } when holder != state.Owner && until > time.GetUtcNow() => false,
            _ => true,
        };
    }

    /// <summary>
    /// Claims the page and reads it under <paramref name="permit"/> (the caller's: used here, given back by the caller if
    /// not); <see cref="PageResultKind.LookAgain"/> when the page is held elsewhere and this delivery claims it again after
    /// the pause.
    /// </summary>
    private async Task<PageResult> ClaimAsync(FetchState state, int page, long? offset, TimeSpan lease, HeldPageWatch watch, XeroPermit? permit, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimPageAsync(state.Key, page, offset, state.Owner, lease, cancellationToken);
        switch (claim.Kind)
        {
            case PageClaimKind.AlreadyDone:
                return PageResult.Done(claim.Page!);
            case PageClaimKind.BeyondEnd:
                return PageResult.BeyondEnd;
            case PageClaimKind.HeldElsewhere:
                var watching = watch.Watching;
                var step = watch.Next(claim.HeldUntil, time.GetUtcNow(), state.Deadline);
                switch (step.Kind)
                {
                    case HeldPageStepKind.LeaveToHolder:
                        // The holder is alive and reading the page; its own message answers for it (and, for a chain or
                        // a discovery, for what follows). Waiting on would hold this delivery open without progress.
                        Log.LeftToHolder(logger, state.Request.RunId, state.Request.TenantId, state.Endpoint.Name, page, claim.HeldUntil);
                        return PageResult.HandedOn;
                    case HeldPageStepKind.AnswerForRedelivery:
                        Log.HeldAtDeadline(logger, state.Request.RunId, state.Request.TenantId, state.Endpoint.Name, page, claim.HeldUntil);
                        return PageResult.Retry(HandlerOutcome.Retry("another delivery still holds the page at this delivery's deadline", claim.HeldUntil));
                }

                if (!watching)
                {
                    Log.WaitingForHeldPage(logger, state.Request.RunId, state.Request.TenantId, state.Endpoint.Name, page, claim.HeldUntil, state.Deadline);
                }

                return PageResult.LookAgain(step.Pause);
        }

        var finished = false;
        try
        {
            await using (PageLeaseRenewal.Start(ledger, state.Key, page, state.Owner, lease, time, cancellationToken))
            {
                var result = await FetchPageAsync(state, page, claim.Page?.Offset ?? offset, permit, cancellationToken);
                finished = result.Kind is PageResultKind.Done or PageResultKind.Ended;
                return result;
            }
        }
        finally
        {
            if (!finished)
            {
                await ledger.ReleasePageAsync(state.Key, page, state.Owner, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The Xero read a page takes: its list page (a reconcile's with summaryOnly where the plan sweeps ids, and each attempt
    /// taken from the tenant's call budget first), or a detail plan's by-id read; null when the plan's page needs no call.
    /// </summary>
    private PageQuery? QueryFor(FetchState state, int page, long? offset)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        if (endpoint.Paging == PagingStyle.Detail)
        {
            var detailPlan = state.Plan!.RecordIds!;
            return page > detailPlan.Count ? null : PageQuery.ForRecord(request.TenantId, EndpointCatalog.ParentOf(endpoint), detailPlan[page - 1], state.Deadline);
        }

        var run = state.Run;
        var query = request.Ids is { } ids
            // A targeted read: the page-th chunk of the ids, in one call (Xero page 1 holds them all), no If-Modified-Since.
            ? new PageQuery(request.TenantId, endpoint, 1, null, null, state.Deadline) { Ids = TargetedFetch.Chunk(ids, endpoint, page) }
            : new PageQuery(request.TenantId, endpoint, page - request.XeroPageOffset, offset, request.ModifiedSince, state.Deadline);
        if (run.Reconcile is { } plan)
        {
            query = query with
            {
                SummaryOnly = endpoint.SupportsSummaryOnly && plan.IsSweepOnly(endpoint.Name),
                ReserveCall = ct => new ValueTask<bool>(ledger.TryReserveCallAsync(run, request.TenantId, ct)),
            };
        }

        return query;
    }

    /// <summary>Reads the claimed page (its first attempt under <paramref name="permit"/> when one was taken) and records it.</summary>
    private async Task<PageResult> FetchPageAsync(FetchState state, int page, long? offset, XeroPermit? permit, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        var stopwatch = Stopwatch.StartNew();
        XeroPage xeroPage;
        try
        {
            if (QueryFor(state, page, offset) is not { } query)
            {
                // Nothing to read (no records listed, or none changed): the plan's one page is done without a call.
                return await RecordEmptyDetailAsync(state, page, cancellationToken);
            }

            xeroPage = await xero.GetPageAsync(query, permit, cancellationToken);
        }
        catch (XeroApiException ex)
        {
            return await HandleFailureAsync(state, page, offset, ex, cancellationToken);
        }

        using (xeroPage)
        {
            using var written = PageWriter.Write(xeroPage, endpoint, request.TenantId, request.RunId, page, time.GetUtcNow());
            var records = written.Records;
            var maxJournalNumber = written.MaxJournalNumber;
            var recordIds = written.RecordIds;
            string? objectName = null;
            if (written.Records > 0)
            {
                objectName = ObjectNames.Page(request.RunId, request.TenantId, endpoint, page);
                if (!await objects.CreateIfAbsentAsync(objectName, written.Content, ContentType, cancellationToken))
                {
                    // An earlier delivery wrote this page and died before recording it: describe the object that exists.
                    (records, maxJournalNumber, recordIds) = await StoredPageSummary.ReadAsync(objects, objectName, cancellationToken);
                }
            }

            var pageSize = xeroPage.Pagination is { PageSize: > 0 } reported ? reported.PageSize : endpoint.PageSize;
            var isLast = request.Ids is not null ? page >= request.LastPage : endpoint.Paging switch
            {
                PagingStyle.None => true,
                PagingStyle.Detail => page >= state.Plan!.LastPage,
                PagingStyle.PageAndSize => records < pageSize || (xeroPage.Pagination is { PageCount: > 0 } p && page - request.XeroPageOffset >= p.PageCount),
                _ => records < pageSize,
            };
            int? lastPage = request.Ids is not null ? request.LastPage
                : endpoint.Paging == PagingStyle.Detail ? state.Plan!.LastPage
                : isLast ? page
                : endpoint.Paging == PagingStyle.PageAndSize && request.Discover && page == 1 && xeroPage.Pagination is { PageCount: > 0 } pagination ? pagination.PageCount
                : null;
            var nextOffset = endpoint.Paging == PagingStyle.Offset ? maxJournalNumber ?? offset : offset;
            // Paged and page-only endpoints keep their record ids: records move between their pages while they are read.
            // A targeted read names its records: there is nothing to verify against Xero's count.
            var verified = endpoint.Paging is PagingStyle.PageAndSize or PagingStyle.PageOnly && request.Ids is null;
            var done = new PageDone(state.Key, page, records, objectName, offset, nextOffset, isLast, lastPage)
            {
                RecordIds = verified ? recordIds : null,
                ItemCount = verified ? xeroPage.Pagination?.ItemCount : null,
                Calls = xeroPage.Calls,
                Throttles = xeroPage.Throttles,
                BytesReceived = xeroPage.BytesReceived,
                BytesDecoded = xeroPage.BytesDecoded,
                Reread = request.PageBase is not null,
            };
            var stored = await ledger.RecordPageDoneAsync(done, cancellationToken);
            Log.PageFetched(logger, request.RunId, request.TenantId, endpoint.Name, page, records, written.Content.Length, stopwatch.ElapsedMilliseconds, xeroPage.Calls);
            return PageResult.Done(stored);
        }
    }

    private async Task<PageResult> HandleFailureAsync(FetchState state, int page, long? offset, XeroApiException ex, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var endpoint = state.Endpoint;
        switch (ex.Failure)
        {
            case XeroFailure.DayLimitReached:
            case XeroFailure.RateLimited when ex.Detail == nameof(RateLimitProblem.Day):
                Log.Deferred(logger, request.RunId, request.TenantId, endpoint.Name, page, ex.RetryAt);
                return await EndAsync(state, page, offset, PageStatus.Deferred, "daily call limit reached", ex.Usage, cancellationToken);
            case XeroFailure.BudgetSpent:
                // Not silently dropped: the page (and the rest of its range) is deferred, the endpoint partial, nothing marked deleted.
                Log.BudgetSpent(logger, request.RunId, request.TenantId, endpoint.Name, page);
                return await EndAsync(state, page, offset, PageStatus.Deferred, "reconcile call budget spent", ex.Usage, cancellationToken);
            case XeroFailure.Retired:
                // Xero says the endpoint is gone (ExpenseClaims and Receipts retire in 2027): a skip, never a failed run.
                Log.Retired(logger, request.RunId, request.TenantId, endpoint.Name, ex.StatusCode ?? 0);
                return await EndAsync(state, page, offset, PageStatus.NotEntitled, $"retired by Xero ({ex.StatusCode}): {ex.Detail}", ex.Usage, cancellationToken);
            case XeroFailure.ScopeNotGranted:
                Log.ScopeNotGranted(logger, request.RunId, request.TenantId, endpoint.Name, ex.Detail ?? "?");
                return await EndAsync(state, page, offset, PageStatus.NotEntitled, ScopeNotes.Skipped(ex.Detail ?? XeroScopes.RequiredFor(endpoint) ?? "?"), ex.Usage, cancellationToken);
            case XeroFailure.AccessDenied when endpoint.NotEntitledIsSkip:
                Log.NotEntitled(logger, request.RunId, request.TenantId, endpoint.Name, ex.StatusCode ?? 0);
                return await EndAsync(state, page, offset, PageStatus.NotEntitled, $"not entitled ({ex.StatusCode}): {ex.Detail}", ex.Usage, cancellationToken);
            case XeroFailure.BadRequest when endpoint.Paging == PagingStyle.Detail && ex.StatusCode == 404:
                // The record was deleted after the list was read: nothing to land, and no retry would find it.
                Log.DetailGone(logger, request.RunId, request.TenantId, endpoint.Name, page);
                return await RecordEmptyDetailAsync(state, page, cancellationToken, ex.Usage);
            case XeroFailure.AccessDenied:
            case XeroFailure.BadRequest:
                Log.PageFailed(logger, request.RunId, request.TenantId, endpoint.Name, page, ex.Message);
                return await EndAsync(state, page, offset, PageStatus.Failed, ex.Message, ex.Usage, cancellationToken);
            case XeroFailure.PermitUnavailable:
                return PageResult.Retry(HandlerOutcome.Retry("no rate-limit permit before the delivery's deadline", ex.RetryAt));
            case XeroFailure.Transient:
            case XeroFailure.RateLimited:
            default:
                return PageResult.Retry(HandlerOutcome.Retry(ex.Message, ex.RetryAt));
        }
    }

    private async Task<PageResult> EndAsync(FetchState state, int page, long? offset, PageStatus status, string reason, XeroUsage? usage, CancellationToken cancellationToken)
    {
        await ledger.RecordPageEndedAsync(state.Key, page, offset, status, reason, usage, cancellationToken);
        if (page == 1 && state.Details is not null)
        {
            // Without the list there is nothing to read details of: they end as the list did (a skip stays a skip).
            await ledger.RecordPageEndedAsync(state.DetailsKey, 1, null, status, $"the {state.Endpoint.Name} list was not read: {reason}", cancellationToken);
        }

        return PageResult.Ended(status);
    }

    /// <summary>
    /// A detail request's plan, from the parent's list page as this run stored it. False when there is none yet: while
    /// the list is still being read its fetch publishes the details when done, so this delivery leaves the page as it
    /// is; a list that ended (failed, deferred, not entitled) ends the requested pages the same way.
    /// </summary>
    private async Task<bool> PlanDetailsAsync(FetchState state, CancellationToken cancellationToken)
    {
        var parent = EndpointCatalog.ParentOf(state.Endpoint);
        state.Plan = await DetailPlan.ReadAsync(ledger, objects, state.Key with { Endpoint = parent.Name }, state.Request.ModifiedSince, cancellationToken);
        if (state.Plan.RecordIds is not null)
        {
            return true;
        }

        if (state.Plan.Parent is { Status: PageStatus.Failed or PageStatus.Deferred or PageStatus.NotEntitled } ended)
        {
            for (var page = state.Request.FirstPage; page <= state.Request.LastPage; page++)
            {
                await ledger.RecordPageEndedAsync(state.Key, page, null, ended.Status, $"the {parent.Name} list was not read: {ended.Error}", cancellationToken);
            }
        }

        return false;
    }

    private async Task<PageResult> RecordEmptyDetailAsync(FetchState state, int page, CancellationToken cancellationToken, XeroUsage? usage = null)
    {
        var lastPage = state.Plan!.LastPage;
        var done = new PageDone(state.Key, page, 0, null, null, null, page >= lastPage, lastPage)
        {
            Calls = usage?.Calls ?? 0,
            BytesReceived = usage?.BytesReceived ?? 0,
            BytesDecoded = usage?.BytesDecoded ?? 0,
        };
        var stored = await ledger.RecordPageDoneAsync(done, cancellationToken);
        return PageResult.Done(stored);
    }

    /// <summary>The list page is done: its details' page 1 goes out, with the details' own watermark (re-read only what changed).</summary>
    private async Task PublishDetailsAsync(FetchState state, CancellationToken cancellationToken)
    {
        var details = state.Details!;
        var request = state.Request;
        var watermark = state.Run.Full ? null : await watermarks.GetAsync(request.TenantId, details.Name, cancellationToken);
        await ledger.OpenPagesAsync(state.DetailsKey, [new PendingPage(1)], cancellationToken);
        await publisher.PublishAsync([RunStarter.FirstRequest(request.RunId, request.TenantId, details, watermark)], cancellationToken);
    }

    private async Task PublishRangesAsync(FetchState state, int firstPage, CancellationToken cancellationToken)
    {
        var request = state.Request;
        if ((await ledger.GetEndpointAsync(state.Key, cancellationToken)).LastPage is not int count || count < firstPage)
        {
            // No usable pagination metadata: read on as a chain from the next page.
            await PublishContinuationAsync(state, firstPage, null, cancellationToken);
            return;
        }

        var size = options.Value.PagesPerMessage;
        var messages = new List<FetchRequest>();
        for (var first = firstPage; first <= count; first += size)
        {
            messages.Add(request with { FirstPage = first, LastPage = Math.Min(count, first + size - 1), Discover = false, Offset = null });
        }

        await ledger.OpenPagesAsync(state.Key, [.. Enumerable.Range(firstPage, count - firstPage + 1).Select(p => new PendingPage(p))], cancellationToken);
        await publisher.PublishAsync(messages, cancellationToken);
    }

    private async Task PublishContinuationAsync(FetchState state, int page, long? offset, CancellationToken cancellationToken)
    {
        var next = state.Request with { FirstPage = page, LastPage = page, Offset = offset, Discover = true };
        await ledger.OpenPagesAsync(state.Key, [new PendingPage(page, offset)], cancellationToken);
        await publisher.PublishAsync([next], cancellationToken);
    }

    private sealed record FetchState(FetchRequest Request, RunInfo Run, XeroEndpoint Endpoint, EndpointKey Key, DateTimeOffset? Deadline)
    {
        /// <summary>This delivery's identity as a page-lease owner.</summary>
        public string Owner { get; } = Guid.NewGuid().ToString("N");

        /// <summary>The detail endpoint this endpoint's list is completed by, if any.</summary>
        public XeroEndpoint? Details { get; } = EndpointCatalog.DetailsOf(Endpoint);

        public EndpointKey DetailsKey => Key with { Endpoint = Details?.Name ?? Key.Endpoint };

        /// <summary>A detail endpoint's plan, read once per delivery.</summary>
        public DetailPlan? Plan { get; set; }
    }

    private enum PageResultKind
    {
        Done,
        Ended,
        BeyondEnd,
        Retry,

        /// <summary>A live delivery holds the page (it renewed its lease): it answers for the page, not this one.</summary>
        HandedOn,

        /// <summary>Another delivery holds the page and may be gone: claimed again after <see cref="PageResult.Pause"/>.</summary>
        LookAgain,
    }

    private sealed record PageResult(PageResultKind Kind, PageRecord? Page = null, PageStatus? Status = null, HandlerOutcome? Outcome = null, TimeSpan Pause = default)
    {
        public static PageResult BeyondEnd { get; } = new(PageResultKind.BeyondEnd);

        public static PageResult HandedOn { get; } = new(PageResultKind.HandedOn);

        public static PageResult Done(PageRecord page) => new(PageResultKind.Done, page);

        public static PageResult Ended(PageStatus status) => new(PageResultKind.Ended, Status: status);

        public static PageResult Retry(HandlerOutcome outcome) => new(PageResultKind.Retry, Outcome: outcome);

        public static PageResult LookAgain(TimeSpan pause) => new(PageResultKind.LookAgain, Pause: pause);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Fetched run {RunId} tenant {TenantId} {Endpoint} page {Page}: {Records} records, {Bytes} bytes, {ElapsedMs} ms, {Calls} calls")]
        public static partial void PageFetched(ILogger logger, string runId, string tenantId, string endpoint, int page, int records, int bytes, long elapsedMs, int calls);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: deferred from page {Page}, the tenant's daily limit is spent (reset {RetryAt})")]
        public static partial void Deferred(ILogger logger, string runId, string tenantId, string endpoint, int page, DateTimeOffset? retryAt);

        [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: the token does not grant {Scope}; skipped")]
        public static partial void ScopeNotGranted(ILogger logger, string runId, string tenantId, string endpoint, string scope);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: not entitled ({Status}); skipped")]
        public static partial void NotEntitled(ILogger logger, string runId, string tenantId, string endpoint, int status);

        [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: deferred from page {Page}, the reconcile's call budget is spent")]
        public static partial void BudgetSpent(ILogger logger, string runId, string tenantId, string endpoint, int page);

        [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: retired by Xero ({Status}); skipped")]
        public static partial void Retired(ILogger logger, string runId, string tenantId, string endpoint, int status);

        [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page} failed: {Reason}")]
        public static partial void PageFailed(ILogger logger, string runId, string tenantId, string endpoint, int page, string reason);

        [LoggerMessage(EventId = 507, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page}: the record is gone (404 by id since the list was read); nothing to land")]
        public static partial void DetailGone(ILogger logger, string runId, string tenantId, string endpoint, int page);

        [LoggerMessage(EventId = 508, Level = LogLevel.Debug, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page}: another delivery holds it (lease until {HeldUntil}); watching whether it renews the lease or lets it lapse (deadline {Deadline})")]
        public static partial void WaitingForHeldPage(ILogger logger, string runId, string tenantId, string endpoint, int page, DateTimeOffset? heldUntil, DateTimeOffset? deadline);

        [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page}: a live delivery holds it (lease renewed until {HeldUntil}); left to it, this delivery does not wait")]
        public static partial void LeftToHolder(ILogger logger, string runId, string tenantId, string endpoint, int page, DateTimeOffset? heldUntil);

        [LoggerMessage(EventId = 509, Level = LogLevel.Information, Message = "Run {RunId} tenant {TenantId} {Endpoint} page {Page}: another delivery still holds it (lease until {HeldUntil}) at this delivery's deadline; asking for a redelivery")]
        public static partial void HeldAtDeadline(ILogger logger, string runId, string tenantId, string endpoint, int page, DateTimeOffset? heldUntil);

        [LoggerMessage(EventId = 504, Level = LogLevel.Error, Message = "Run {RunId} tenant {TenantId} {Endpoint} pages {FirstPage}-{LastPage}: every delivery failed (dead-lettered); unfinished pages recorded as failed, the endpoint ends partial")]
        public static partial void Undelivered(ILogger logger, string runId, string tenantId, string endpoint, int firstPage, int lastPage);
    }
}
