namespace XeroSync.XeroSimulator;

/// <summary>A change the simulator made (scheduled or asked for): ground truth for tests.</summary>
/// <param name="RecordId">The record changed, inserted or deleted.</param>
/// <param name="HardDelete">The record no longer exists at all (it is in no list and no GET by id).</param>
/// <param name="Scheduled">Whether a <see cref="ScheduledChange"/> made it (else a direct call).</param>
public sealed record AppliedChange(
    DateTimeOffset Time,
    string TenantId,
    string Endpoint,
    ChangeKind Kind,
    string RecordId,
    bool HardDelete,
    bool Scheduled);
