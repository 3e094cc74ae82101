namespace XeroSync.Bench;

/// <summary>One push as Pub/Sub sent it: its message id, body and headers (hop-by-hop ones left out).</summary>
public sealed record CapturedPush(string MessageId, byte[] Body, IReadOnlyList<(string Name, string Value)> Headers);
