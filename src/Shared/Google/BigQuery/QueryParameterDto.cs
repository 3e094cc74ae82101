namespace XeroSync.Google.BigQuery;

internal sealed record QueryParameterDto(string Name, QueryParameterTypeDto ParameterType, QueryParameterValueDto ParameterValue);
