namespace XeroSync.Google.BigQuery;

internal sealed record TableDto(TableReferenceDto TableReference, SchemaDto? Schema, TimePartitioningDto? TimePartitioning, ClusteringDto? Clustering, ViewDto? View);
