using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Webhooks;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Opens a targeted run for changed records (webhook events): one fetch request per (organisation, endpoint) naming
/// the records' ids, read <see cref="TargetedFetch.IdsPerCall"/> ids per call (one ledger page per call), under the same
/// permits, ledger, page objects, manifests and loads as any run, its changes' event times recorded for freshness
/// (<see cref="FreshnessRecorder"/>). The run never moves a watermark. Changes of an
/// organisation Xero does not list as connected are left out (the connection list is kept for a minute).
/// </summary>
public sealed partial class TargetedRunStarter(
    XeroApiClient xero,
    IRunLedger ledger,
    IFetchRequestPublisher publisher,
    FreshnessRecorder freshness,
    TimeProvider time,
    ILogger<TargetedRunStarter> logger)
{
    private static readonly TimeSpan ConnectionsKept = TimeSpan.FromMinutes(1);
    private volatile ConnectedTenants? _connected;

    public async Task<StartedTargetedRun> StartAsync(IReadOnlyList<RecordChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var connected = await ConnectedAsync(changes.Select(c => c.TenantId), cancellationToken);
        var unknown = changes.Select(c => c.TenantId).Distinct(StringComparer.Ordinal).Where(t => !connected.Contains(t)).Order(StringComparer.Ordinal).ToList();
        var groups = changes
            .Where(c => connected.Contains(c.TenantId) && TargetedFetch.IsRecordId(c.RecordId) && EndpointCatalog.TryGet(c.Endpoint, out var e) && TargetedFetch.Supports(e))
            .GroupBy(c => (c.TenantId, c.Endpoint))
            .OrderBy(g => g.Key.TenantId, StringComparer.Ordinal).ThenBy(g => g.Key.Endpoint, StringComparer.Ordinal)
            .ToList();
        foreach (var tenant in unknown)
        {
            Log.UnknownTenant(logger, tenant);
        }

        if (groups.Count == 0)
        {
            return new StartedTargetedRun(null, [], unknown);
        }

        var startedAt = time.GetUtcNow();
        var run = new RunInfo(
            RunStarter.NewRunId(startedAt),
            startedAt,
            [.. groups.Select(g => g.Key.TenantId).Distinct(StringComparer.Ordinal)],
            [.. groups.Select(g => g.Key.Endpoint).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Full: false)
        {
            Targeted = true,
        };
        var requests = groups.Select(g =>
        {
            var endpoint = EndpointCatalog.Get(g.Key.Endpoint);
            var ids = g.Select(c => c.RecordId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return new FetchRequest
            {
                RunId = run.RunId,
                TenantId = g.Key.TenantId,
                Endpoint = endpoint.Name,
                FirstPage = 1,
                LastPage = TargetedFetch.Pages(ids.Count, endpoint),
                PageSize = endpoint.PageSize,
                Ids = ids,
            };
        }).ToList();

        // Every page is pending before anything is published: a publish that fails half-way leaves pending pages a retry republishes.
        await ledger.CreateRunAsync(run, [.. requests.Select(r => new EndpointOpening(r.TenantId, r.Endpoint, null, SingleCall: r.LastPage == 1))], cancellationToken);
        foreach (var request in requests.Where(r => r.LastPage > 1))
        {
            await ledger.OpenPagesAsync(new EndpointKey(run.RunId, request.TenantId, request.Endpoint), [.. Enumerable.Range(2, request.LastPage - 1).Select(p => new PendingPage(p))], cancellationToken);
        }

        await freshness.SeenAsync(run.RunId, groups.SelectMany(g => g), cancellationToken);
        await publisher.PublishAsync(requests, cancellationToken);
        var ids = requests.Sum(r => r.Ids!.Count);
        var calls = requests.Sum(r => r.LastPage);
        Log.Started(logger, run.RunId, requests.Count, ids, calls);
        return new StartedTargetedRun(run, requests, unknown);
    }

    private async Task<HashSet<string>> ConnectedAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
    {
        // Two concurrent callers may both read the list: harmless (the /connections call has no per-organisation limit).
        var now = time.GetUtcNow();
        var known = _connected;
        if (known is null || now - known.ReadAt >= ConnectionsKept ||
            (tenants.Any(t => !known.Tenants.Contains(t)) && now - known.ReadAt >= TimeSpan.FromSeconds(5)))
        {
            // A tenant not seen before may have connected since the list was read: read it again (at most every 5 s).
            var connections = await xero.GetConnectionsAsync(cancellationToken);
            known = new ConnectedTenants(new HashSet<string>(connections.Select(c => c.TenantId.ToLowerInvariant()), StringComparer.Ordinal), now);
            _connected = known;
        }

        return known.Tenants;
    }

    private sealed record ConnectedTenants(HashSet<string> Tenants, DateTimeOffset ReadAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Targeted run {RunId}: {Requests} (organisation, endpoint) reads of {Ids} changed records in {Calls} calls")]
        public static partial void Started(ILogger logger, string runId, int requests, int ids, int calls);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Webhook changes of tenant {TenantId} left out: Xero does not list it as connected")]
        public static partial void UnknownTenant(ILogger logger, string tenantId);
    }
}
