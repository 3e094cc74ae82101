using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Warehouse;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The Dispatcher's planning step: list tenants, read watermarks, open the run in the ledger and publish
/// one FetchRequest per (tenant, endpoint): page 1 of paged endpoints (which then publishes the remaining
/// ranges once it knows the page count), the single call of unpaged ones. A full sync plans within the monthly egress
/// budget as a reconcile does (<see cref="EgressAdmission"/>): what would exceed it is deferred with a note naming the budget,
/// not read; an incremental sync is never held by it.
/// </summary>
public sealed partial class RunStarter(
    XeroApiClient xero,
    IRunLedger ledger,
    IWatermarkStore watermarks,
    IFetchRequestPublisher publisher,
    IWarehouse warehouse,
    EndpointCoordinator coordinator,
    EgressBudget egress,
    TimeProvider time,
    ILogger<RunStarter> logger)
{
    public async Task<StartedRun> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpoints = ResolveEndpoints(request.Endpoints);
        var connections = await xero.GetConnectionsAsync(cancellationToken);
        var tenants = FilterTenants(connections, request.Tenants);
        if (tenants.Count == 0)
        {
            throw new NoTenantsToSyncException(connections.Count == 0
                ? "Xero lists no connected organisations for these credentials."
                : "None of the requested tenants is connected; connected: " + string.Join(", ", connections.Select(c => c.TenantId)));
        }

        var startedAt = time.GetUtcNow();

        // A listed endpoint's details (budget lines, group members) are part of the run from the start: opened with
        // page 1 pending, published by the parent's fetch once its list is read, so the run is never complete without them.
        var details = endpoints.Select(EndpointCatalog.DetailsOf).OfType<XeroEndpoint>().ToList();
        var run = new RunInfo(NewRunId(startedAt), startedAt, tenants.Select(t => t.TenantId).ToList(), [.. endpoints.Concat(details).Select(e => e.Name)], request.Full);
        var messages = new List<FetchRequest>(tenants.Count * endpoints.Count);
        foreach (var tenant in tenants)
        {
            foreach (var endpoint in endpoints)
            {
                var watermark = request.Full ? null : await watermarks.GetAsync(tenant.TenantId, endpoint.Name, cancellationToken);
                messages.Add(FirstRequest(run.RunId, tenant.TenantId, endpoint, watermark));
            }
        }

        var plans = request.Full ? await PlanEgressAsync(run, tenants, endpoints, cancellationToken) : [];
        var deferred = plans.SelectMany(p => p.Endpoints).Where(e => e.Deferred).Select(e => (e.TenantId, e.Endpoint)).ToHashSet();

        // Every endpoint's page 1 is pending before anything is published: a publish that fails half-way leaves
        // pending pages, which a retry republishes; it never leaves an endpoint the ledger does not know.
        await ledger.CreateRunAsync(
            run,
            [
                .. messages.Select(m => new EndpointOpening(m.TenantId, m.Endpoint, m.Offset, !EndpointCatalog.Get(m.Endpoint).IsPaged)),
                .. tenants.SelectMany(t => details.Select(d => new EndpointOpening(t.TenantId, d.Name, null, SingleCall: false))),
            ],
            cancellationToken);

        // The plan is recorded before anything is deferred (GET /runs/{id} shows it); a deferred endpoint ends with the note and
        // an empty partial manifest, so the run reads as partial and its watermark stays where it was.
        foreach (var plan in plans)
        {
            await ledger.RecordTenantPlanAsync(run.RunId, plan, cancellationToken);
            foreach (var endpoint in plan.Endpoints.Where(e => e.Deferred))
            {
                var key = new EndpointKey(run.RunId, endpoint.TenantId, endpoint.Endpoint);
                var offset = messages.FirstOrDefault(m => m.TenantId == endpoint.TenantId && m.Endpoint == endpoint.Endpoint)?.Offset;
                await ledger.RecordPageEndedAsync(key, 1, offset, PageStatus.Deferred, endpoint.Note!, cancellationToken);
                await coordinator.AdvanceAsync(run, key, EndpointCatalog.Get(endpoint.Endpoint), null, cancellationToken);
            }
        }

        var published = messages.Where(m => !deferred.Contains((m.TenantId, m.Endpoint))).ToList();
        await publisher.PublishAsync(published, cancellationToken);
        Log.RunStarted(logger, run.RunId, tenants.Count, endpoints.Count, published.Count, request.Full, deferred.Count);
        return new StartedRun(run, tenants, endpoints, published.Count) { EgressPlans = [.. plans.SelectMany(p => p.Endpoints)] };
    }

    /// <summary>
    /// A full sync's plan under the monthly egress budget, per organisation, as a reconcile plans it: every endpoint's full read
    /// estimated from the records the warehouse holds (its details' with it, which its read publishes), offered cheapest first
    /// (estimated calls, then name) to the organisation's <see cref="EgressAdmission"/>. A deferred endpoint defers its details.
    /// Empty when no budget is set.
    /// </summary>
    private async Task<List<TenantReconcilePlan>> PlanEgressAsync(RunInfo run, IReadOnlyList<XeroConnection> tenants, IReadOnlyList<XeroEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var plans = new List<TenantReconcilePlan>();
        if (!egress.IsSet)
        {
            return plans;
        }

        var allowances = await egress.AllowancesAsync([.. tenants.Select(t => t.TenantId)], cancellationToken);
        foreach (var tenantId in tenants.Select(t => t.TenantId))
        {
            var admission = new EgressAdmission(tenantId, allowances.GetValueOrDefault(tenantId));
            var estimates = new List<(XeroEndpoint Endpoint, int Calls, long? Bytes)>();
            foreach (var endpoint in endpoints)
            {
                var (calls, bytes) = await EstimateAsync(admission, tenantId, endpoint, run.StartedAt, cancellationToken);
                if (EndpointCatalog.DetailsOf(endpoint) is { } detail)
                {
                    var (_, detailBytes) = await EstimateAsync(admission, tenantId, detail, run.StartedAt, cancellationToken);
                    bytes = bytes is null && detailBytes is null ? null : (bytes ?? 0) + (detailBytes ?? 0);
                }

                estimates.Add((endpoint, calls, bytes));
            }

            var planned = new List<ReconcileEndpointPlan>();
            foreach (var (endpoint, calls, bytes) in estimates.OrderBy(e => e.Calls).ThenBy(e => e.Endpoint.Name, StringComparer.Ordinal))
            {
                var note = admission.Admit(bytes);
                planned.Add(new ReconcileEndpointPlan(tenantId, endpoint.Name, SweepOnly: false, calls, note is not null, bytes, note));
                if (note is not null && EndpointCatalog.DetailsOf(endpoint) is { } detail)
                {
                    planned.Add(new ReconcileEndpointPlan(tenantId, detail.Name, SweepOnly: false, 0, Deferred: true, null, note));
                }
            }

            plans.Add(new TenantReconcilePlan(new ReconcileTenantBudget(tenantId, null, 0, null, 0, 0), planned));
        }

        return plans;
    }

    /// <summary>A full read's estimate: calls (<see cref="ReconcileStarter.EstimateCalls"/>) and bytes, from the records the warehouse holds.</summary>
    private async Task<(int Calls, long? Bytes)> EstimateAsync(EgressAdmission admission, string tenantId, XeroEndpoint endpoint, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var records = await warehouse.CountLiveRecordsAsync(tenantId, endpoint, startedAt.AddDays(1), cancellationToken);
        return (ReconcileStarter.EstimateCalls(endpoint, records), admission.EstimateBytes(endpoint, records));
    }

    public static FetchRequest FirstRequest(string runId, string tenantId, XeroEndpoint endpoint, Watermark? watermark)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new FetchRequest
        {
            RunId = runId,
            TenantId = tenantId,
            Endpoint = endpoint.Name,
            FirstPage = 1,
            LastPage = 1,
            PageSize = endpoint.PageSize,
            Offset = endpoint.Paging == PagingStyle.Offset ? watermark?.JournalOffset ?? 0 : null,
            ModifiedSince = endpoint.SupportsModifiedSince || endpoint.SelectsChangedSince ? watermark?.ModifiedSince : null,
            Discover = endpoint.IsPaged,
        };
    }

    /// <summary>Endpoint names from the caller, validated against the catalog; the whole catalog when none.</summary>
    public static IReadOnlyList<XeroEndpoint> ResolveEndpoints(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return EndpointCatalog.All;
        }

        // Detail endpoints come with their parent; they are not requested on their own.
        var unknown = names.Where(n => !EndpointCatalog.TryGet(n, out var e) || e.DetailOf is not null).Select(Identifiers.Printable).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown Xero endpoint(s): {string.Join(", ", unknown)}. Known endpoints: {string.Join(", ", EndpointCatalog.All.Select(e => e.Name))}.");
        }

        return names.Select(EndpointCatalog.Get).Distinct().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    internal static List<XeroConnection> FilterTenants(IReadOnlyList<XeroConnection> connections, IReadOnlyList<string>? wanted)
    {
        var unique = connections.DistinctBy(c => c.TenantId, StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted is null || wanted.Count == 0)
        {
            return unique;
        }

        foreach (var id in wanted)
        {
            Identifiers.RequireTenantId(id);
        }

        return unique.Where(c => wanted.Contains(c.TenantId, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    internal static string NewRunId(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Run {RunId} started: {Tenants} tenants x {Endpoints} endpoints, {Messages} messages published (full: {Full}), {Deferred} endpoints deferred by the egress budget")]
        public static partial void RunStarted(ILogger logger, string runId, int tenants, int endpoints, int messages, bool full, int deferred);
    }
}
