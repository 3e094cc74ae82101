namespace XeroSync.Google.BigQuery;

internal sealed record QueryParameterTypeDto(string Type);
