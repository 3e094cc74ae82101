namespace XeroSync.Google.BigQuery;

internal sealed record DatasetDto(DatasetReferenceDto DatasetReference, string? Location);
