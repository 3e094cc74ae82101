namespace XeroSync.Pipeline;

/// <summary>An endpoint a run skipped for one organisation, with the reason recorded and the missing scope when that was why.</summary>
public sealed record SkipNote(string TenantId, string Endpoint, string Reason, string? MissingScope);
