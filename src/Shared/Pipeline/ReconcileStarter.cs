using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Warehouse;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The one owner of a reconcile's planning (issue 9), in two steps. <see cref="OpenAsync"/> (the Dispatcher's POST /reconcile,
/// quick): the organisations and endpoints, which endpoints are ID-swept, the run recorded with every (tenant, endpoint)
/// opened page 1 pending, and one <see cref="ReconcilePreparation"/> per organisation to publish. <see cref="PrepareAsync"/>
/// (a Worker delivery per organisation): one probe call (<c>GET /Organisation</c>) reads what Xero says remains of today's
/// calls (<c>X-DayLimit-Remaining</c>); the budget is that less <see cref="PipelineOptions.ReconcileReserve"/> (kept for
/// incrementals), capped by the caller's budget (which counts the probe). Endpoints are then admitted cheapest first while
/// their estimated calls fit (pages for the records the warehouse holds, at 1,000 a page, 100 where Xero fixes it; 1 for an
/// unpaged endpoint); the plan is recorded (the first record wins, so a redelivery applies the same plan), the rest are
/// recorded as deferred, with the reason, and reported: never silently dropped. The ledger enforces the budget call by
/// call, so an estimate that is short (inserts since) defers pages rather than exceeding it. Invoices and Contacts are
/// ID-swept with <c>summaryOnly</c> unless their full refresh is due (<see cref="PipelineOptions.FullRefreshEvery"/>); every
/// other endpoint is read in full, which costs what an ID sweep would there. Journals are never reconciled: they are
/// immutable and never deleted. The local shape runs both steps in one process (<see cref="StartAsync"/>).
/// </summary>
public sealed partial class ReconcileStarter(
    XeroApiClient xero,
    IRunLedger ledger,
    IWarehouse warehouse,
    IFetchRequestPublisher publisher,
    EndpointCoordinator coordinator,
    EgressBudget egress,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ReconcileStarter> logger)
{
    /// <summary>How many recent runs are searched for an endpoint's last full refresh.</summary>
    private const int HistoryRuns = 200;

    /// <summary>Xero's per-organisation day limit on paid tiers (research/xero.md §1), assumed when a response carries no X-DayLimit-Remaining.</summary>
    private const int DocumentedDayLimit = 5000;

    /// <summary>
    /// Records a reconcile run: every endpoint of every organisation opened with page 1 pending (so the run reads as running
    /// until each organisation's preparation has published or deferred its endpoints), no budget yet (a fetch for an
    /// organisation whose plan is not recorded may make no call). Calls Xero once (<c>/connections</c>) and reads the ledger;
    /// no probe and no warehouse query.
    /// </summary>
    public async Task<OpenedReconcile> OpenAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallBudget is < 0 or > DocumentedDayLimit)
        {
            throw new ArgumentException("call_budget must be from 0 to 5000 calls (Xero's day limit per organisation).", nameof(request));
        }

        var endpoints = RunStarter.ResolveEndpoints(request.Endpoints).Where(e => e.Paging != PagingStyle.Offset).ToList();
        var connections = await xero.GetConnectionsAsync(cancellationToken);
        var tenants = RunStarter.FilterTenants(connections, request.Tenants);
        if (tenants.Count == 0)
        {
            throw new NoTenantsToSyncException(connections.Count == 0
                ? "Xero lists no connected organisations for these credentials."
                : "None of the requested tenants is connected; connected: " + string.Join(", ", connections.Select(c => c.TenantId)));
        }

        var startedAt = time.GetUtcNow();
        var allowances = await egress.AllowancesAsync([.. tenants.Select(t => t.TenantId)], cancellationToken);
        var sweepOnly = request.FullRefresh ? [] : await SweepOnlyAsync(endpoints, startedAt, cancellationToken);
        var plan = new ReconcilePlan(new Dictionary<string, int>(StringComparer.Ordinal), sweepOnly);
        var run = new RunInfo(RunStarter.NewRunId(startedAt), startedAt, [.. tenants.Select(t => t.TenantId)], [.. endpoints.Select(e => e.Name)], Full: true) { Reconcile = plan };
        await ledger.CreateRunAsync(run, [.. tenants.SelectMany(t => endpoints.Select(e => new EndpointOpening(t.TenantId, e.Name, null, !e.IsPaged)))], cancellationToken);
        Log.Opened(logger, run.RunId, tenants.Count, endpoints.Count, sweepOnly.Count);
        return new OpenedReconcile(run, [.. tenants.Select(t => new ReconcilePreparation { RunId = run.RunId, TenantId = t.TenantId, CallBudget = request.CallBudget, Egress = allowances.GetValueOrDefault(t.TenantId) })]);
    }

    /// <summary>
    /// Prepares one organisation of a reconcile (a delivery of its <see cref="ReconcilePreparation"/>): plans it unless its
    /// plan is recorded, then applies the recorded plan (deferred endpoints ended with their reason and their manifests
    /// written; the others' first fetch requests published). Poison when the message names no reconcile or an organisation
    /// not in it; a failure of Xero's probe other than a refusal or a spent day, of the warehouse or of the ledger throws
    /// (the delivery is retried).
    /// </summary>
    public async Task<HandlerOutcome> PrepareAsync(ReconcilePreparation preparation, CancellationToken cancellationToken)
    {
        if (ReconcilePreparation.Validate(preparation) is { } problem)
        {
            return HandlerOutcome.Poison(problem);
        }

        var run = await ledger.GetRunAsync(preparation.RunId, cancellationToken);
        if (run?.Reconcile is null)
        {
            return HandlerOutcome.Poison(run is null ? "the run is not in the ledger" : "the run is not a reconcile");
        }

        if (!run.Tenants.Contains(preparation.TenantId, StringComparer.Ordinal))
        {
            return HandlerOutcome.Poison("the tenant is not in the run");
        }

        await PrepareTenantAsync(run, preparation, cancellationToken);
        return HandlerOutcome.Ack;
    }

    /// <summary>
    /// A preparation that will never be delivered again (dead-lettered): the organisation's endpoints that no fetch holds
    /// end failed with <paramref name="reason"/> (deferred where a recorded plan deferred them), so the run ends partial
    /// instead of running for ever. A later fetch of them makes no call (no budget was recorded); the next reconcile is the retry.
    /// </summary>
    public async Task MarkUndeliveredAsync(ReconcilePreparation preparation, string reason, CancellationToken cancellationToken)
    {
        if (ReconcilePreparation.Validate(preparation) is not null
            || await ledger.GetRunAsync(preparation.RunId, cancellationToken) is not { Reconcile: not null } run
            || !run.Tenants.Contains(preparation.TenantId, StringComparer.Ordinal))
        {
            return;
        }

        var recorded = await ledger.GetTenantPlanAsync(run.RunId, preparation.TenantId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var name in run.Endpoints)
        {
            var key = new EndpointKey(run.RunId, preparation.TenantId, name);
            var planned = recorded?.Endpoints.FirstOrDefault(e => e.Endpoint == name);
            if (planned is { Deferred: true })
            {
                await ledger.RecordPageEndedAsync(key, 1, null, PageStatus.Deferred, DeferredReason(recorded!.Budget, planned), cancellationToken);
            }
            else if ((await ledger.GetPagesAsync(key, 1, 1, cancellationToken)) is not [var page, ..]
                || (page.Status != PageStatus.Done && !(page.LeaseExpiresAt is { } until && until > now)))
            {
                await ledger.RecordPageEndedAsync(key, 1, null, PageStatus.Failed, reason, cancellationToken);
            }

            await coordinator.AdvanceAsync(run, key, EndpointCatalog.Get(name), null, cancellationToken);
        }

        Log.Undelivered(logger, run.RunId, preparation.TenantId);
    }

    /// <summary>The local shape: opens the reconcile and prepares every organisation in this process, in turn.</summary>
    public async Task<StartedReconcile> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var opened = await OpenAsync(request, cancellationToken);
        var prepared = new List<PreparedTenant>();
        foreach (var preparation in opened.Preparations)
        {
            prepared.Add(await PrepareTenantAsync(opened.Run, preparation, cancellationToken));
        }

        return new StartedReconcile(opened.Run, [.. prepared.Select(p => p.Plan.Budget)], [.. prepared.SelectMany(p => p.Plan.Endpoints)], prepared.Sum(p => p.Messages));
    }

    private async Task<PreparedTenant> PrepareTenantAsync(RunInfo run, ReconcilePreparation preparation, CancellationToken cancellationToken)
    {
        var tenantId = preparation.TenantId;
        var plan = await ledger.GetTenantPlanAsync(run.RunId, tenantId, cancellationToken)
            ?? await ledger.RecordTenantPlanAsync(run.RunId, await PlanTenantAsync(run, preparation, cancellationToken), cancellationToken);

        // Applying the recorded plan is idempotent: deferral is final for a page never published, manifests are claimed once,
        // and the fetch requests are deterministic.
        foreach (var deferred in plan.Endpoints.Where(p => p.Deferred))
        {
            var key = new EndpointKey(run.RunId, tenantId, deferred.Endpoint);
            await ledger.RecordPageEndedAsync(key, 1, null, PageStatus.Deferred, DeferredReason(plan.Budget, deferred), cancellationToken);
            await coordinator.AdvanceAsync(run, key, EndpointCatalog.Get(deferred.Endpoint), null, cancellationToken);
        }

        var messages = plan.Endpoints.Where(p => !p.Deferred).Select(p => RunStarter.FirstRequest(run.RunId, tenantId, EndpointCatalog.Get(p.Endpoint), null)).ToList();
        await publisher.PublishAsync(messages, cancellationToken);
        var deferredCount = plan.Endpoints.Count(p => p.Deferred);
        Log.Prepared(logger, run.RunId, tenantId, plan.Budget.Budget, messages.Count, deferredCount);
        return new PreparedTenant(plan, messages.Count);
    }

    /// <summary>
    /// The organisation's budget (one probe) and every endpoint's estimate from the warehouse, cheapest first while they fit the
    /// call budget and, when one is set, the egress allowance (records x the organisation's measured bytes per record there).
    /// </summary>
    private async Task<TenantReconcilePlan> PlanTenantAsync(RunInfo run, ReconcilePreparation preparation, CancellationToken cancellationToken)
    {
        var tenantId = preparation.TenantId;
        var budget = await BudgetAsync(run, tenantId, preparation.CallBudget, cancellationToken);
        var egress = new EgressAdmission(tenantId, preparation.Egress, budget.ProbeBytesReceived);
        var estimates = new List<(XeroEndpoint Endpoint, int Calls, long? Bytes)>();
        foreach (var endpoint in run.Endpoints.Select(EndpointCatalog.Get))
        {
            var records = await warehouse.CountLiveRecordsAsync(tenantId, endpoint, run.StartedAt.AddDays(1), cancellationToken);
            estimates.Add((endpoint, EstimateCalls(endpoint, records), egress.EstimateBytes(endpoint, records)));
        }

        var left = budget.Budget;
        var plans = new List<ReconcileEndpointPlan>();
        foreach (var (endpoint, calls, bytes) in estimates.OrderBy(e => e.Calls).ThenBy(e => e.Endpoint.Name, StringComparer.Ordinal))
        {
            var fits = calls <= left;
            var note = fits ? egress.Admit(bytes) : null;
            var admitted = fits && note is null;
            left -= admitted ? calls : 0;
            plans.Add(new ReconcileEndpointPlan(tenantId, endpoint.Name, run.Reconcile!.IsSweepOnly(endpoint.Name), calls, !admitted, bytes, note));
        }

        return new TenantReconcilePlan(budget, plans);
    }

    private static string DeferredReason(ReconcileTenantBudget budget, ReconcileEndpointPlan deferred) =>
        deferred.Note is { } note ? note
        : budget.Refused is { } refused
            ? $"Xero refused access to the organisation: {refused}"
            : $"reconcile budget: about {deferred.EstimatedCalls} calls needed, not enough of {budget.Budget} left";

    /// <summary>Calls a full read of <paramref name="records"/> records takes: pages until Xero says there are no more.</summary>
    public static int EstimateCalls(XeroEndpoint endpoint, int records)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Paging switch
        {
            PagingStyle.None => 1,
            // pagination.pageCount ends the read at the last full page; an empty endpoint still takes one call.
            PagingStyle.PageAndSize => Math.Max(1, (records + endpoint.PageSize - 1) / endpoint.PageSize),
            // Page-only (and offset) reads end at the first short page, which may be empty.
            _ => (records / endpoint.PageSize) + 1,
        };
    }

    /// <summary>The endpoints offering summaryOnly whose last full refresh (in a reconcile) is within <see cref="PipelineOptions.FullRefreshEvery"/>.</summary>
    private async Task<List<string>> SweepOnlyAsync(IReadOnlyList<XeroEndpoint> endpoints, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = endpoints.Where(e => e.SupportsSummaryOnly).Select(e => e.Name).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var since = now - options.Value.FullRefreshEvery;
        var recent = (await ledger.ListRunsAsync(HistoryRuns, cancellationToken)).Where(r => r.Reconcile is not null && r.StartedAt > since).ToList();
        var sweep = new List<string>();
        foreach (var name in candidates)
        {
            foreach (var run in recent.Where(r => r.Endpoints.Contains(name, StringComparer.Ordinal) && !r.Reconcile!.IsSweepOnly(name)))
            {
                // Refreshed recently only if that refresh completed for every tenant it covered.
                var states = (await ledger.GetRunEndpointsAsync(run.RunId, cancellationToken)).Where(s => s.Endpoint == name).ToList();
                if (states.Count > 0 && states.TrueForAll(s => s.IsComplete))
                {
                    sweep.Add(name);
                    break;
                }
            }
        }

        return sweep;
    }

    private async Task<ReconcileTenantBudget> BudgetAsync(RunInfo run, string tenantId, int? requested, CancellationToken cancellationToken)
    {
        var reserve = options.Value.ReconcileReserve;
        if (requested is 0)
        {
            return new ReconcileTenantBudget(tenantId, null, reserve, requested, 0, 0);
        }

        int? remaining;
        try
        {
            var delivery = options.Value.DeliveryBudget;
            DateTimeOffset? deadline = delivery == Timeout.InfiniteTimeSpan ? null : time.GetUtcNow() + delivery;
            XeroPage probe;
            try
            {
                probe = await xero.GetPageAsync(new PageQuery(tenantId, EndpointCatalog.Get("Organisation"), 1, null, null, deadline), cancellationToken);
            }
            catch (XeroApiException ex) when (ex.Usage is { } usage)
            {
                // What the refused or limited probe received counts like any call's.
                await ledger.RecordUsageAsync(ProbeKey(run, tenantId), usage, cancellationToken);
                throw;
            }

            using var probed = probe;
            await ledger.RecordUsageAsync(ProbeKey(run, tenantId), probe.Usage, cancellationToken);
            remaining = probe.DayRemaining;
            var spent = probe.Calls;
            var available = Math.Max(0, (remaining ?? DocumentedDayLimit - spent) - reserve);
            var budget = Math.Max(0, Math.Min(available, requested is int cap ? cap - spent : int.MaxValue));
            return new ReconcileTenantBudget(tenantId, remaining, reserve, requested, spent, budget, ProbeBytesReceived: probe.BytesReceived);
        }
        catch (XeroApiException ex) when (ex.Failure is XeroFailure.DayLimitReached or XeroFailure.RateLimited)
        {
            // Today's calls are spent (or nearly): nothing fits; everything is deferred and reported.
            return new ReconcileTenantBudget(tenantId, 0, reserve, requested, 1, 0, ProbeBytesReceived: ex.Usage?.BytesReceived ?? 0);
        }
        catch (XeroApiException ex) when (ex.Failure is XeroFailure.AccessDenied)
        {
            // This organisation only (disconnected, or a token Xero refuses for it even after a refresh): the others
            // are still reconciled; its endpoints are deferred with Xero's reason and reported.
            Log.Refused(logger, tenantId, ex.StatusCode ?? 0);
            return new ReconcileTenantBudget(tenantId, null, reserve, requested, 1, 0, ex.Message, ex.Usage?.BytesReceived ?? 0);
        }
    }

    /// <summary>
    /// Where the probe's calls and bytes are counted: the organisation's Organisation endpoint in the run (the same call), or
    /// the run's first endpoint when the run leaves Organisation out, so they count towards the organisation's usage either way.
    /// </summary>
    private static EndpointKey ProbeKey(RunInfo run, string tenantId) =>
        new(run.RunId, tenantId, run.Endpoints.Contains("Organisation", StringComparer.Ordinal) ? "Organisation" : run.Endpoints[0]);

    private static partial class Log
    {
        [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Reconcile {RunId} accepted: {Tenants} tenants x {Endpoints} endpoints, one preparation per tenant, {SweepOnly} endpoints id-swept")]
        public static partial void Opened(ILogger logger, string runId, int tenants, int endpoints, int sweepOnly);

        [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Reconcile: Xero refused access to tenant {TenantId} ({Status}); its endpoints are deferred")]
        public static partial void Refused(ILogger logger, string tenantId, int status);

        [LoggerMessage(EventId = 323, Level = LogLevel.Information, Message = "Reconcile {RunId} tenant {TenantId} prepared: budget {Budget} calls, {Messages} endpoint reads published, {Deferred} endpoints deferred")]
        public static partial void Prepared(ILogger logger, string runId, string tenantId, int budget, int messages, int deferred);

        [LoggerMessage(EventId = 324, Level = LogLevel.Error, Message = "Reconcile {RunId} tenant {TenantId}: the preparation was dead-lettered; its endpoints are recorded as failed")]
        public static partial void Undelivered(ILogger logger, string runId, string tenantId);
    }
}
