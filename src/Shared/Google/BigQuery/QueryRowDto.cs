namespace XeroSync.Google.BigQuery;

internal sealed record QueryRowDto(IReadOnlyList<QueryCellDto> F);
