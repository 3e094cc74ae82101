namespace XeroSync.Google.BigQuery;

/// <summary>A job error (<c>status.errorResult</c> / <c>status.errors[]</c>).</summary>
public sealed record BigQueryError(string? Reason, string? Location, string? Message);
