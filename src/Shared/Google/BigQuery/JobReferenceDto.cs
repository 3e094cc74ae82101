namespace XeroSync.Google.BigQuery;

internal sealed record JobReferenceDto(string ProjectId, string JobId, string? Location);
