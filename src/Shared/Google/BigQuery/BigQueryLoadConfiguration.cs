namespace XeroSync.Google.BigQuery;

/// <summary>A load job: NDJSON objects into one table, appended, no bad records tolerated by default.</summary>
public sealed record BigQueryLoadConfiguration(IReadOnlyList<string> SourceUris, string DatasetId, string TableId, IReadOnlyList<BigQueryField> Schema)
{
    public string SourceFormat { get; init; } = "NEWLINE_DELIMITED_JSON";

    public string WriteDisposition { get; init; } = "WRITE_APPEND";

    public string CreateDisposition { get; init; } = "CREATE_IF_NEEDED";

    public int MaxBadRecords { get; init; }

    public bool IgnoreUnknownValues { get; init; }

    /// <summary>DAY partitioning on this field (used when the load creates the table).</summary>
    public string? TimePartitioningField { get; init; }

    public IReadOnlyList<string>? ClusteringFields { get; init; }

    /// <summary>E.g. <c>ALLOW_FIELD_ADDITION</c>: a raw table made before a nullable column existed (<c>deleted_at</c>) gains it on the next load.</summary>
    public IReadOnlyList<string>? SchemaUpdateOptions { get; init; }
}
