namespace XeroSync.Tests.Cloud;

/// <summary>One push the Worker received: the subscription that sent it (its full name) and the Pub/Sub message id.</summary>
internal sealed record PushDelivery(string Subscription, string MessageId);
