using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// The body of <c>POST /tie-out</c> (empty means every organisation, the last 3 month ends): which organisations, and either
/// one date (<c>as_at</c>) or the last <c>months</c> month ends (1 to 24).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TieOutRunRequest
{
    [JsonPropertyName("tenants")]
    public IReadOnlyList<string>? Tenants { get; init; }

    [JsonPropertyName("as_at")]
    public DateOnly? AsAt { get; init; }

    [JsonPropertyName("months")]
    public int? Months { get; init; }
}
