namespace XeroSync.Google.BigQuery;

internal sealed record QueryParameterValueDto(string Value);
