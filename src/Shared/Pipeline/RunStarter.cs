using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The Dispatcher's planning step: list tenants, read watermarks, open the run in the ledger and publish
/// one FetchRequest per (tenant, endpoint): page 1 of paged endpoints (which then publishes the remaining
/// ranges once it knows the page count), the single call of unpaged ones.
/// </summary>
public sealed partial class RunStarter(
    XeroApiClient xero,
    IRunLedger ledger,
    IWatermarkStore watermarks,
    IFetchRequestPublisher publisher,
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

        // Every endpoint's page 1 is pending before anything is published: a publish that fails half-way leaves
        // pending pages, which a retry republishes; it never leaves an endpoint the ledger does not know.
        await ledger.CreateRunAsync(
            run,
            [
                .. messages.Select(m => new EndpointOpening(m.TenantId, m.Endpoint, m.Offset, !EndpointCatalog.Get(m.Endpoint).IsPaged)),
                .. tenants.SelectMany(t => details.Select(d => new EndpointOpening(t.TenantId, d.Name, null, SingleCall: false))),
            ],
            cancellationToken);
        await publisher.PublishAsync(messages, cancellationToken);
        Log.RunStarted(logger, run.RunId, tenants.Count, endpoints.Count, messages.Count, request.Full);
        return new StartedRun(run, tenants, endpoints, messages.Count);
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
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Run {RunId} started: {Tenants} tenants x {Endpoints} endpoints, {Messages} messages published (full: {Full})")]
        public static partial void RunStarted(ILogger logger, string runId, int tenants, int endpoints, int messages, bool full);
    }
}
