namespace XeroSync.Google.BigQuery;

internal sealed record InsertAllRequestDto(string Kind, bool SkipInvalidRows, bool IgnoreUnknownValues, IReadOnlyList<InsertAllRowDto> Rows);
