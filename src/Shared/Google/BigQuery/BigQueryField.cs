namespace XeroSync.Google.BigQuery;

/// <summary>A schema field: name, type (STRING, INT64, TIMESTAMP, JSON...), mode (NULLABLE, REQUIRED, REPEATED).</summary>
public sealed record BigQueryField(string Name, string Type, string? Mode = null);
