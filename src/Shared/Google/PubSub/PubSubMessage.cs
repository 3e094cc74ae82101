namespace XeroSync.Google.PubSub;

/// <summary>A message to publish: data bytes, attributes, optional ordering key. Data or at least one attribute is required.</summary>
public sealed record PubSubMessage(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string>? Attributes = null, string? OrderingKey = null);
