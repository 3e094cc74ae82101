using System.Text.Json.Serialization;
using XeroSync.Pipeline;

namespace XeroSync.Dispatcher.Routes;

/// <summary>An endpoint the run skipped for one organisation: why, and the scope the token lacks when that was why.</summary>
public sealed record SkipStatus(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("missing_scope")] string? MissingScope)
{
    public static SkipStatus From(SkipNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        return new SkipStatus(note.TenantId, note.Endpoint, note.Reason, note.MissingScope);
    }
}
