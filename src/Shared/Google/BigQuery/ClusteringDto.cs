namespace XeroSync.Google.BigQuery;

internal sealed record ClusteringDto(IReadOnlyList<string> Fields);
