namespace XeroSync.Google.BigQuery;

internal sealed record TimePartitioningDto(string Type, string? Field);
