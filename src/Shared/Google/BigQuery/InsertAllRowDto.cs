using System.Text.Json.Nodes;

namespace XeroSync.Google.BigQuery;

internal sealed record InsertAllRowDto(string InsertId, JsonObject Json);
