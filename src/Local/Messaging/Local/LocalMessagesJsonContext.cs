using System.Text.Json.Serialization;

namespace XeroSync.Messaging.Local;

/// <summary>Source-generated JSON for the local shape's own queue messages.</summary>
[JsonSerializable(typeof(ObjectFinalized))]
public sealed partial class LocalMessagesJsonContext : JsonSerializerContext;
