namespace XeroSync.Google.BigQuery;

internal sealed record JobStatisticsDto(LoadStatisticsDto? Load);
