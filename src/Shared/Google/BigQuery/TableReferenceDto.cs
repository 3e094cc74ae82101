namespace XeroSync.Google.BigQuery;

internal sealed record TableReferenceDto(string ProjectId, string DatasetId, string TableId);
