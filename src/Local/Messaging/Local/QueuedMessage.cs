namespace XeroSync.Messaging.Local;

/// <summary>A message as the in-process queue delivers it: an id and a 1-based delivery attempt, as Pub/Sub gives.</summary>
public sealed record QueuedMessage<TMessage>(string MessageId, TMessage Body, int DeliveryAttempt);
