using System.Text.Json.Serialization;

namespace XeroSync.Cli.Local;

/// <summary>
/// The demo organisation's identity, kept in <c>{data}/demo.json</c> so a later <c>sync --demo</c> in a new
/// process talks to the same organisations, changed by the minutes that passed in between, and the last sequence number
/// its simulated webhook subscription used, so the next <c>sync --demo --listen</c> numbers on from there as Xero does.
/// </summary>
public sealed record DemoSettings(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("webhook_sequence")] long WebhookSequence = 0);

[JsonSerializable(typeof(DemoSettings))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
