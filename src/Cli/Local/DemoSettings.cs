using System.Text.Json.Serialization;

namespace XeroSync.Cli.Local;

/// <summary>
/// The demo organisation's identity, kept in <c>{data}/demo.json</c> so a later <c>sync --demo</c> in a new
/// process talks to the same organisations, changed by the minutes that passed in between.
/// </summary>
public sealed record DemoSettings(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

[JsonSerializable(typeof(DemoSettings))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
