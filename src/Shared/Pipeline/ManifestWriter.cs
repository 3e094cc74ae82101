using System.Text.Json;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Writes the manifest of (run, tenant, endpoint) once every page is done, failed or deferred. Exactly one
/// writer wins the ledger claim. A manifest with failed or deferred pages is partial and carries no
/// watermark; a retry that completes them writes a further manifest for just those pages.
/// </summary>
public sealed class ManifestWriter(IRunLedger ledger, IObjectStore objects, IOptions<PipelineOptions> options, TimeProvider time)
{
    /// <summary>Writes a manifest if this caller completed the endpoint; returns its object name, or null.</summary>
    public async Task<string?> TryWriteAsync(RunInfo run, string tenantId, XeroEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoint);
        var claim = await ledger.TryClaimManifestAsync(run.RunId, tenantId, endpoint.Name, cancellationToken);
        if (claim is null)
        {
            return null;
        }

        var allPages = await ledger.GetPagesAsync(run.RunId, tenantId, endpoint.Name, cancellationToken);
        var manifest = Build(run, tenantId, endpoint, claim, allPages, options.Value.WatermarkOverlap, time.GetUtcNow());
        var name = ObjectNames.Manifest(run.RunId, tenantId, endpoint, claim.Sequence);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, PipelineJsonContext.Default.Manifest);
        await objects.CreateIfAbsentAsync(name, bytes, "application/json", cancellationToken);
        return name;
    }

    public static Manifest Build(RunInfo run, string tenantId, XeroEndpoint endpoint, ManifestClaim claim, IReadOnlyList<PageRecord> allPages, TimeSpan overlap, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(allPages);
        var done = claim.Pages.Where(p => p.Status == PageStatus.Done).OrderBy(p => p.Page).ToList();
        var failed = allPages.Where(p => p.Status == PageStatus.Failed).Select(p => p.Page).Order().ToList();
        var deferred = allPages.Where(p => p.Status == PageStatus.Deferred).Select(p => p.Page).Order().ToList();
        var notEntitled = allPages.Any(p => p.Status == PageStatus.NotEntitled);
        var partial = failed.Count > 0 || deferred.Count > 0;

        Watermark? watermark = null;
        if (!partial && !notEntitled)
        {
            var modifiedSince = endpoint.SupportsModifiedSince ? run.StartedAt - overlap : (DateTimeOffset?)null;
            long? journalOffset = endpoint.Paging == PagingStyle.Offset
                ? allPages.Where(p => p.Status == PageStatus.Done).Select(p => p.NextOffset ?? p.Offset).Max()
                : null;
            if (modifiedSince is not null || journalOffset is not null)
            {
                watermark = new Watermark(modifiedSince, journalOffset);
            }
        }

        return new Manifest
        {
            RunId = run.RunId,
            TenantId = tenantId,
            Endpoint = endpoint.Name,
            Sequence = claim.Sequence,
            Objects = done.Where(p => p.ObjectName is not null && p.Records > 0).Select(p => new ManifestObject(p.ObjectName!, p.Page, p.Records)).ToList(),
            Records = done.Sum(p => (long)p.Records),
            Partial = partial,
            FailedPages = failed,
            DeferredPages = deferred,
            Watermark = watermark,
            CreatedAt = now,
        };
    }
}
