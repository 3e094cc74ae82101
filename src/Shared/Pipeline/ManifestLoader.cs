using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Storage;
using XeroSync.Warehouse;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Handles a manifest's object-finalize event: one warehouse load for all its objects under a
/// deterministic job id and a check that the rows loaded equal the manifest's records, recorded in the
/// ledger; when the ledger then says the endpoint is complete (every manifest loaded, nothing missing),
/// the endpoint's watermark advances to this run's, and a targeted run's endpoint lands its webhook changes.
/// </summary>
public sealed partial class ManifestLoader(
    IObjectStore objects,
    IWarehouse warehouse,
    IRunLedger ledger,
    EndpointCoordinator coordinator,
    FreshnessRecorder freshness,
    ILogger<ManifestLoader> logger)
{
    public async Task<HandlerOutcome> HandleAsync(string objectName, CancellationToken cancellationToken)
    {
        if (!ObjectNames.IsManifest(objectName))
        {
            return HandlerOutcome.Ignored;
        }

        Manifest? manifest;
        await using (var stream = await objects.OpenReadAsync(objectName, cancellationToken))
        {
            if (stream is null)
            {
                return HandlerOutcome.Poison("manifest object does not exist");
            }

            try
            {
                manifest = await JsonSerializer.DeserializeAsync(stream, PipelineJsonContext.Default.Manifest, cancellationToken);
            }
            catch (JsonException)
            {
                return HandlerOutcome.Poison("manifest is not valid JSON");
            }
        }

        if (Validate(manifest, objectName) is { } problem)
        {
            return HandlerOutcome.Poison(problem);
        }

        var endpoint = EndpointCatalog.Get(manifest!.Endpoint);
        var key = new EndpointKey(manifest.RunId, manifest.TenantId, manifest.Endpoint);
        var run = await ledger.GetRunAsync(manifest.RunId, cancellationToken);
        if (run is null)
        {
            return HandlerOutcome.Poison("the manifest's run is not in the ledger");
        }

        long rows = 0;
        if (run.Reconcile?.IsSweepOnly(endpoint.Name) == true)
        {
            // An ID sweep's pages hold summaryOnly records: their ids are what counts (DeletionSweeper), not their content.
        }
        else if (manifest.Objects.Count > 0)
        {
            try
            {
                rows = await warehouse.LoadAsync(new LoadJob(JobId(objectName), endpoint, manifest.Objects.Select(o => o.Name).ToList(), manifest.Records), cancellationToken);
            }
            catch (XeroSync.Warehouse.BigQuery.BigQueryLoadFailedException ex)
            {
                // The job id is deterministic: a failed job can never succeed under it, so redelivery cannot help.
                var reason = $"load job {ex.JobId} failed: {ex.Error?.Message ?? ex.Message}";
                await ledger.MarkManifestFailedAsync(key, manifest.Sequence, reason, cancellationToken);
                return HandlerOutcome.Poison(reason);
            }

            if (rows != manifest.Records)
            {
                // Deterministic inputs and job id: the same mismatch would repeat on every redelivery.
                var reason = $"loaded {rows} rows but the manifest lists {manifest.Records}; the watermark stays where it was";
                await ledger.MarkManifestFailedAsync(key, manifest.Sequence, reason, cancellationToken);
                return HandlerOutcome.Poison(reason);
            }
        }

        // A load that completes the endpoint moves its watermark first; the flag then goes with the load's record in one write.
        var before = await ledger.GetEndpointAsync(key, cancellationToken);
        var advanced = false;
        if ((await ledger.GetManifestsAsync(key, cancellationToken)).FirstOrDefault(m => m.Sequence == manifest.Sequence) is { } recorded &&
            before.WithManifestLoaded(recorded.State) is { MayAdvanceWatermark: true } completed)
        {
            await coordinator.MoveWatermarkAsync(run, endpoint, completed, cancellationToken);
            advanced = true;
        }

        var state = await ledger.MarkManifestLoadedAsync(key, manifest.Sequence, rows, advanced, cancellationToken);

        // Another manifest's load completed it meanwhile, or a crash left the flag unset: finish it here.
        await coordinator.AdvanceWatermarkAsync(run, endpoint, state, cancellationToken);
        await freshness.LandedAsync(run, state, cancellationToken);
        Log.Loaded(logger, manifest.RunId, manifest.TenantId, endpoint.TableName, manifest.Sequence, rows, manifest.Objects.Count, manifest.Partial);
        return HandlerOutcome.Ack;
    }

    /// <summary>Deterministic BigQuery-compatible job id: the same manifest always loads under the same id.</summary>
    public static string JobId(string manifestName) =>
        "xerosync_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifestName)))[..40];

    private static string? Validate(Manifest? manifest, string objectName)
    {
        if (manifest is null || manifest.SchemaVersion != Manifest.CurrentSchemaVersion)
        {
            return "manifest has an unsupported schema version";
        }

        if (!Identifiers.IsValidRunId(manifest.RunId) || !Identifiers.IsValidTenantId(manifest.TenantId) || !EndpointCatalog.TryGet(manifest.Endpoint, out var endpoint))
        {
            return "manifest names an invalid run, tenant or endpoint";
        }

        if (!string.Equals(ObjectNames.Manifest(manifest.RunId, manifest.TenantId, endpoint, manifest.Sequence), objectName, StringComparison.Ordinal))
        {
            return "manifest content does not match its object name";
        }

        var prefix = ObjectNames.Prefix(manifest.RunId, manifest.TenantId, endpoint);
        return manifest.Objects.Any(o => o.Name is null || !o.Name.StartsWith(prefix, StringComparison.Ordinal) || o.Name.Contains("..", StringComparison.Ordinal) || o.Records < 0)
            ? "manifest lists objects outside its run's prefix"
            : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Loaded run {RunId} tenant {TenantId} {Table} manifest {Sequence}: {Rows} rows from {Objects} objects (partial: {Partial})")]
        public static partial void Loaded(ILogger logger, string runId, string tenantId, string table, int sequence, long rows, int objects, bool partial);
    }
}
