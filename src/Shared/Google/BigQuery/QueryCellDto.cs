using System.Text.Json;

namespace XeroSync.Google.BigQuery;

/// <summary>One cell of a query row: <c>v</c> is a string for scalars, null for NULL.</summary>
internal sealed record QueryCellDto(JsonElement V);
