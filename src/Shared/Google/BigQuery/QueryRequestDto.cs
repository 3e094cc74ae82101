namespace XeroSync.Google.BigQuery;

internal sealed record QueryRequestDto(string Query, bool UseLegacySql, string ParameterMode, IReadOnlyList<QueryParameterDto> QueryParameters, long TimeoutMs, long MaxResults, string? Location);
