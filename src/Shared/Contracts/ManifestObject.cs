using System.Text.Json.Serialization;

namespace XeroSync.Contracts;

/// <summary>One page object listed in a manifest.</summary>
public sealed record ManifestObject(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("records")] int Records);
