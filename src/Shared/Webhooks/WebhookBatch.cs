using XeroSync.Pipeline;

namespace XeroSync.Webhooks;

/// <summary>
/// What one flush of the batcher started: the targeted run for the gathered changes (null when none were due), the
/// changes it reads (their event times give the event-to-landed latency), and the incremental run a lost event started;
/// or what one quiet check started (<see cref="Quiet"/>: one incremental per organisation, of its quiet categories).
/// </summary>
public sealed record WebhookBatch(StartedTargetedRun? Targeted, IReadOnlyList<RecordChange> Changes, StartedRun? Incremental, IReadOnlyList<SequenceHole> Lost)
{
    public IReadOnlyList<QuietRun> Quiet { get; init; } = [];
}
