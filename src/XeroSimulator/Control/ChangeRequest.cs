namespace XeroSync.XeroSimulator.Control;

/// <summary>POST /_sim/changes: change one record now (see <see cref="SimulatorState.ApplyChange"/>).</summary>
internal sealed record ChangeRequest(string TenantId, string Endpoint, ChangeKind Kind, string? RecordId = null, int? Position = null);
