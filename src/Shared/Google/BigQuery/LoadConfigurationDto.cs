namespace XeroSync.Google.BigQuery;

internal sealed record LoadConfigurationDto(
    IReadOnlyList<string> SourceUris,
    string SourceFormat,
    TableReferenceDto DestinationTable,
    string WriteDisposition,
    string CreateDisposition,
    SchemaDto Schema,
    int MaxBadRecords,
    bool IgnoreUnknownValues,
    TimePartitioningDto? TimePartitioning,
    ClusteringDto? Clustering,
    IReadOnlyList<string>? SchemaUpdateOptions = null);
