namespace XeroSync.Google.BigQuery;

internal sealed record JobStatusDto(string? State, BigQueryError? ErrorResult, IReadOnlyList<BigQueryError>? Errors);
