namespace XeroSync.Google.BigQuery;

internal sealed record InsertErrorDto(long Index, IReadOnlyList<BigQueryError>? Errors);
