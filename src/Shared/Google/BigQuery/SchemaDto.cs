namespace XeroSync.Google.BigQuery;

internal sealed record SchemaDto(IReadOnlyList<BigQueryField> Fields);
