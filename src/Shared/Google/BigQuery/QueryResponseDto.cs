namespace XeroSync.Google.BigQuery;

internal sealed record QueryResponseDto(bool JobComplete, JobReferenceDto? JobReference, string? PageToken, IReadOnlyList<QueryRowDto>? Rows);
