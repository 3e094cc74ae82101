namespace XeroSync.Google.BigQuery;

internal sealed record InsertAllResponseDto(IReadOnlyList<InsertErrorDto>? InsertErrors);
