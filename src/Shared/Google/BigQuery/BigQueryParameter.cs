namespace XeroSync.Google.BigQuery;

/// <summary>A named query parameter (<c>@name</c>): its standard SQL type (<c>STRING</c>, <c>TIMESTAMP</c>) and value as text.</summary>
public sealed record BigQueryParameter(string Name, string Type, string Value);
