namespace XeroSync.Google.BigQuery;

internal sealed record LoadStatisticsDto(long? OutputRows, long? InputFiles, long? BadRecords);
