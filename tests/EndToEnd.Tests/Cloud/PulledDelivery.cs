namespace XeroSync.Tests.Cloud;

/// <summary>One delivery a <see cref="PullPushDriver"/> made: the message's id and data, and Pub/Sub's attempt number for it.</summary>
internal sealed record PulledDelivery(string MessageId, byte[] Data, int DeliveryAttempt);
