using System.Text.Json.Serialization;
using XeroSync.Ledger;

namespace XeroSync.Dispatcher.Routes;

/// <summary><c>GET /runs/{runId}</c>: the run and its progress per tenant and endpoint.</summary>
public sealed record RunStatusResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("full")] bool Full,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<EndpointStatus> Endpoints)
{
    public static RunStatusResponse From(RunInfo run, IReadOnlyList<EndpointProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(progress);
        var rows = progress.Select(EndpointStatus.From).ToList();
        var expected = run.Tenants.Count * run.Endpoints.Count;
        var state = rows.Any(r => r.Failed + r.Deferred > 0) && progress.All(p => p.IsComplete) ? "partial"
            : rows.Count >= expected && progress.All(p => p.IsComplete && p.ManifestsWritten > 0 && p.ManifestsLoaded >= p.ManifestsWritten) ? "complete"
            : "running";
        return new RunStatusResponse(run.RunId, run.StartedAt, run.Full, state, rows);
    }
}
