using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// The one thing that moves an endpoint on once its pages have moved. The fetch handler (after a delivery, and when a
/// request is dead-lettered), the run and reconcile starters (for endpoints they end unread), the retrier and the manifest
/// loader all ask it; it asks <see cref="EndpointSteps"/> what the endpoint needs and does that: verify its reads, claim
/// and write its manifests, or sweep and advance its watermark. The ledger only records what happened; nothing else
/// decides the next step.
/// </summary>
public sealed class EndpointCoordinator(
    IRunLedger ledger,
    ManifestWriter manifests,
    EndpointVerifier verifier,
    IWatermarkStore watermarks,
    DeletionSweeper sweeper,
    IOptions<PipelineOptions> options)
{
    /// <summary>
    /// Does what the endpoint needs next, from its state record; returns the manifest objects this call created.
    /// <paramref name="readWith"/> is a request of the endpoint carrying the watermark and page size the run reads it with, which
    /// a verification's re-read keeps; null where this caller must not start a read (the endpoint is then not verified here).
    /// </summary>
    public async Task<IReadOnlyList<string>> AdvanceAsync(RunInfo run, EndpointKey key, XeroEndpoint endpoint, FetchRequest? readWith, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(endpoint);
        var state = await ledger.GetEndpointAsync(key, cancellationToken);
        switch (EndpointSteps.Next(state))
        {
            case EndpointStep.Verify:
                if (readWith is not null)
                {
                    await verifier.VerifyAsync(readWith with { Endpoint = endpoint.Name }, cancellationToken);
                }

                return await manifests.TryWriteAsync(run, key, endpoint, cancellationToken);
            case EndpointStep.WriteManifest or EndpointStep.AwaitLoads:
            case EndpointStep.ReadPages when state.HasUnloadedManifests:
                // A claimed manifest is handed out until its load is recorded: its object is written whatever the pages do.
                return await manifests.TryWriteAsync(run, key, endpoint, cancellationToken);
            case EndpointStep.AdvanceWatermark:
                await AdvanceWatermarkAsync(run, endpoint, state, cancellationToken);
                return [];
            default:
                return [];
        }
    }

    /// <summary>Advances the endpoint's watermark and records it when <paramref name="state"/> says it may (a crash left it unmoved).</summary>
    public async Task AdvanceWatermarkAsync(RunInfo run, XeroEndpoint endpoint, EndpointState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.MayAdvanceWatermark)
        {
            return;
        }

        await MoveWatermarkAsync(run, endpoint, state, cancellationToken);
        await ledger.MarkWatermarkAdvancedAsync(state.Key, cancellationToken);
    }

    /// <summary>
    /// Sweeps (reconcile runs) and moves the watermark of an endpoint that <paramref name="completed"/> says is complete; the
    /// caller records that it moved (the loader records it with the load that completed the endpoint, in one write).
    /// </summary>
    public async Task MoveWatermarkAsync(RunInfo run, XeroEndpoint endpoint, EndpointState completed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(completed);

        // A reconcile marks what Xero no longer returns before the endpoint counts as finished (a retry redoes a crash here).
        await sweeper.SweepAsync(run, endpoint, completed, cancellationToken);

        if (EndpointWatermark.For(run, endpoint, completed, options.Value.WatermarkOverlap) is { } watermark)
        {
            await watermarks.AdvanceAsync(completed.TenantId, completed.Endpoint, watermark, cancellationToken);
        }
    }
}
