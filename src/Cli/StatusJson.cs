using System.Text.Json.Serialization;
using XeroSync.Contracts;

namespace XeroSync.Cli;

/// <summary><c>status --format json</c> without a run: the recent runs and webhook freshness per (organisation, endpoint).</summary>
public sealed record StatusJson(
    [property: JsonPropertyName("runs")] IReadOnlyList<RecentRunJson> Runs,
    [property: JsonPropertyName("freshness")] IReadOnlyList<TableFreshnessStatus> Freshness);
