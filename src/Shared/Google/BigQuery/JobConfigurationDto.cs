namespace XeroSync.Google.BigQuery;

internal sealed record JobConfigurationDto(LoadConfigurationDto? Load);
