namespace XeroSync.Google.BigQuery;

internal sealed record ViewDto(string Query, bool UseLegacySql);
