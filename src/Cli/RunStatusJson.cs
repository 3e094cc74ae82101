using System.Text.Json.Serialization;
using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary><c>status RUN_ID --format json</c>: the run, its Xero usage per organisation (<c>tenants</c>) and each endpoint's status.</summary>
public sealed record RunStatusJson(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("full")] bool Full,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("bytes_received")] long BytesReceived,
    [property: JsonPropertyName("bytes_decoded")] long BytesDecoded,
    [property: JsonPropertyName("tenants")] IReadOnlyList<TenantUsageStatus> Tenants,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<EndpointStatusJson> Endpoints)
{
    public static RunStatusJson From(RunSummary summary, string state)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var run = summary.State.Run;
        var tenants = summary.Usage.Select(TenantUsageStatus.From).ToList();
        return new RunStatusJson(
            run.RunId,
            run.StartedAt,
            run.Full,
            state,
            summary.Records,
            tenants.Sum(t => t.Calls),
            tenants.Sum(t => t.BytesReceived),
            tenants.Sum(t => t.BytesDecoded),
            tenants,
            [.. summary.Rows.Select(r => new EndpointStatusJson(r.TenantId, r.Endpoint, RunSummary.Status(r), r.Records, r.Calls, r.BytesReceived, r.BytesDecoded))]);
    }
}
