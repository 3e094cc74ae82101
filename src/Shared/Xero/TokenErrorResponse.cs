using System.Text.Json.Serialization;

namespace XeroSync.Xero;

internal sealed record TokenErrorResponse(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);
