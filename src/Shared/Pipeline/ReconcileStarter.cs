using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Warehouse;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Plans and opens a reconcile run (issue 9). Per organisation: one probe call (<c>GET /Organisation</c>) reads what Xero
/// says remains of today's calls (<c>X-DayLimit-Remaining</c>); the budget is that less <see cref="PipelineOptions.ReconcileReserve"/>
/// (kept for incrementals), capped by the caller's budget (which counts the probe). Endpoints are then admitted cheapest
/// first while their estimated calls fit (pages for the records the warehouse holds, at 1,000 a page, 100 where Xero fixes
/// it; 1 for an unpaged endpoint); the rest are opened in the ledger as deferred, with the reason, and reported: never
/// silently dropped. The ledger enforces the budget call by call, so an estimate that is short (inserts since) defers
/// pages rather than exceeding it. Invoices and Contacts are ID-swept with <c>summaryOnly</c> unless their full refresh is
/// due (<see cref="PipelineOptions.FullRefreshEvery"/>); every other endpoint is read in full, which costs what an ID
/// sweep would there. Journals are never reconciled: they are immutable and never deleted.
/// </summary>
public sealed partial class ReconcileStarter(
    XeroApiClient xero,
    IRunLedger ledger,
    IWarehouse warehouse,
    IFetchRequestPublisher publisher,
    ManifestWriter manifests,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ReconcileStarter> logger)
{
    /// <summary>How many recent runs are searched for an endpoint's last full refresh.</summary>
    private const int HistoryRuns = 200;

    /// <summary>Xero's per-organisation day limit on paid tiers (research/xero.md §1), assumed when a response carries no X-DayLimit-Remaining.</summary>
    private const int DocumentedDayLimit = 5000;

    public async Task<StartedReconcile> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallBudget is < 0)
        {
            throw new ArgumentException("call_budget must not be negative.", nameof(request));
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
        var sweepOnly = request.FullRefresh ? [] : await SweepOnlyAsync(endpoints, startedAt, cancellationToken);
        var budgets = new List<ReconcileTenantBudget>();
        var plans = new List<ReconcileEndpointPlan>();
        foreach (var tenant in tenants)
        {
            var budget = await BudgetAsync(tenant.TenantId, request.CallBudget, cancellationToken);
            budgets.Add(budget);
            var estimates = new List<(XeroEndpoint Endpoint, int Calls)>();
            foreach (var endpoint in endpoints)
            {
                estimates.Add((endpoint, EstimateCalls(endpoint, (await warehouse.GetLiveIdsAsync(tenant.TenantId, endpoint, startedAt.AddDays(1), cancellationToken)).Count)));
            }

            var left = budget.Budget;
            foreach (var (endpoint, calls) in estimates.OrderBy(e => e.Calls).ThenBy(e => e.Endpoint.Name, StringComparer.Ordinal))
            {
                var fits = calls <= left;
                left -= fits ? calls : 0;
                plans.Add(new ReconcileEndpointPlan(tenant.TenantId, endpoint.Name, sweepOnly.Contains(endpoint.Name), calls, !fits));
            }
        }

        var plan = new ReconcilePlan(budgets.ToDictionary(b => b.TenantId, b => b.Budget, StringComparer.Ordinal), sweepOnly);
        var run = new RunInfo(RunStarter.NewRunId(startedAt), startedAt, [.. tenants.Select(t => t.TenantId)], [.. endpoints.Select(e => e.Name)], Full: true) { Reconcile = plan };
        await ledger.CreateRunAsync(run, [.. plans.Select(p => new EndpointOpening(p.TenantId, p.Endpoint, null, !EndpointCatalog.Get(p.Endpoint).IsPaged))], cancellationToken);

        foreach (var deferred in plans.Where(p => p.Deferred))
        {
            var key = new EndpointKey(run.RunId, deferred.TenantId, deferred.Endpoint);
            var reason = budgets.Find(b => b.TenantId == deferred.TenantId)?.Refused is { } refused
                ? $"Xero refused access to the organisation: {refused}"
                : $"reconcile budget: about {deferred.EstimatedCalls} calls needed, not enough of {plan.BudgetFor(deferred.TenantId)} left";
            await ledger.RecordPageEndedAsync(key, 1, null, PageStatus.Deferred, reason, cancellationToken);
            await manifests.TryWriteAsync(run, key, EndpointCatalog.Get(deferred.Endpoint), cancellationToken);
        }

        var messages = plans.Where(p => !p.Deferred).Select(p => RunStarter.FirstRequest(run.RunId, p.TenantId, EndpointCatalog.Get(p.Endpoint), null)).ToList();
        await publisher.PublishAsync(messages, cancellationToken);
        var deferredCount = plans.Count(p => p.Deferred);
        var budgetText = string.Join(", ", budgets.Select(b => $"{b.TenantId}={b.Budget}"));
        Log.Started(logger, run.RunId, tenants.Count, messages.Count, deferredCount, budgetText);
        return new StartedReconcile(run, budgets, plans, messages.Count);
    }

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

    private async Task<ReconcileTenantBudget> BudgetAsync(string tenantId, int? requested, CancellationToken cancellationToken)
    {
        var reserve = options.Value.ReconcileReserve;
        if (requested is 0)
        {
            return new ReconcileTenantBudget(tenantId, null, reserve, requested, 0, 0);
        }

        int? remaining;
        try
        {
            using var probe = await xero.GetPageAsync(new PageQuery(tenantId, EndpointCatalog.Get("Organisation"), 1, null, null, null), cancellationToken);
            remaining = probe.DayRemaining;
            var spent = probe.Calls;
            var available = Math.Max(0, (remaining ?? DocumentedDayLimit - spent) - reserve);
            var budget = Math.Max(0, Math.Min(available, requested is int cap ? cap - spent : int.MaxValue));
            return new ReconcileTenantBudget(tenantId, remaining, reserve, requested, spent, budget);
        }
        catch (XeroApiException ex) when (ex.Failure is XeroFailure.DayLimitReached or XeroFailure.RateLimited)
        {
            // Today's calls are spent (or nearly): nothing fits; everything is deferred and reported.
            return new ReconcileTenantBudget(tenantId, 0, reserve, requested, 1, 0);
        }
        catch (XeroApiException ex) when (ex.Failure is XeroFailure.AccessDenied)
        {
            // This organisation only (disconnected, or a token Xero refuses for it even after a refresh): the others
            // are still reconciled; its endpoints are deferred with Xero's reason and reported.
            Log.Refused(logger, tenantId, ex.StatusCode ?? 0);
            return new ReconcileTenantBudget(tenantId, null, reserve, requested, 1, 0, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Reconcile {RunId} started: {Tenants} tenants, {Messages} messages published, {Deferred} endpoints deferred for budget (budgets: {Budgets})")]
        public static partial void Started(ILogger logger, string runId, int tenants, int messages, int deferred, string budgets);

        [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Reconcile: Xero refused access to tenant {TenantId} ({Status}); its endpoints are deferred")]
        public static partial void Refused(ILogger logger, string tenantId, int status);
    }
}
