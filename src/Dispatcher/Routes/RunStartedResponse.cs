using System.Text.Json.Serialization;

namespace XeroSync.Dispatcher.Routes;

public sealed record RunStartedResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("tenants")] IReadOnlyList<string> Tenants,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints);
