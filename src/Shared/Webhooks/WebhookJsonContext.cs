using System.Text.Json.Serialization;

namespace XeroSync.Webhooks;

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookPayload))]
public sealed partial class WebhookJsonContext : JsonSerializerContext;
