namespace XeroSync.XeroSimulator.Webhooks;

/// <summary>One webhook POST the simulator made: ground truth for tests (sequence range, events, the receiver's answer).</summary>
/// <param name="Dropped">Not sent at all (a lost payload, asked for with <see cref="WebhookSender.DropSequences"/>).</param>
public sealed record WebhookDelivery(long FirstSequence, long LastSequence, IReadOnlyList<AppliedChange> Changes, int Status, bool Dropped, DateTimeOffset SentAt);
