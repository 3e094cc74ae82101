using System.Text.Json.Serialization;

namespace XeroSync.Messaging.Local;

/// <summary>The local stand-in for a Cloud Storage object-finalize event.</summary>
public sealed record ObjectFinalized([property: JsonPropertyName("name")] string Name);
