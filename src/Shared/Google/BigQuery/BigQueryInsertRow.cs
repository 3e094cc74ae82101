using System.Text.Json.Nodes;

namespace XeroSync.Google.BigQuery;

/// <summary>
/// One row for <c>tabledata.insertAll</c>: its columns as JSON values (DATE, TIMESTAMP, NUMERIC and JSON columns as text), and
/// an <see cref="InsertId"/> BigQuery uses to drop a repeated insert of the same row (best effort, for about a minute).
/// </summary>
public sealed record BigQueryInsertRow(string InsertId, JsonObject Values);
