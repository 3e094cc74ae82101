using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Serialises records the way Xero writes them (no escaping of '+' or '/').</summary>
internal static class RecordJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    public static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();
}
