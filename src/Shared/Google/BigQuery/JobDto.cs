namespace XeroSync.Google.BigQuery;

internal sealed record JobDto(JobReferenceDto JobReference, JobConfigurationDto? Configuration, JobStatusDto? Status = null, JobStatisticsDto? Statistics = null);
