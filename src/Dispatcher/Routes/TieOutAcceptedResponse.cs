using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// <c>POST /tie-out</c>, answered 202: the organisations whose tie-out was published (one Worker delivery each) and the dates
/// each is tied out at. The results land in the raw dataset's tie-out tables as each organisation's delivery finishes.
/// </summary>
public sealed record TieOutAcceptedResponse(
    [property: JsonPropertyName("tenants")] IReadOnlyList<string> Tenants,
    [property: JsonPropertyName("dates")] IReadOnlyList<DateOnly> Dates);
