using System.Text.Json.Serialization;
using XeroSync.Webhooks;

namespace XeroSync.Dispatcher.Routes;

/// <summary>One incremental a quiet check started: its run, the organisation and the endpoints of its quiet categories.</summary>
public sealed record QuietRunStatus(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints)
{
    public static QuietRunStatus From(QuietRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new QuietRunStatus(run.Run.Run.RunId, run.TenantId, run.Endpoints);
    }
}
