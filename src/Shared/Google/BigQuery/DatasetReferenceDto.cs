namespace XeroSync.Google.BigQuery;

internal sealed record DatasetReferenceDto(string ProjectId, string DatasetId);
