namespace XeroSync.Webhooks;

/// <summary>
/// A correctly signed payload, checked: its usable changes, its sequence range (0-0 for an intent-to-receive
/// request), and why any event was left out (each reason safe to log: it never echoes the bad value).
/// </summary>
public sealed record WebhookNotification(
    IReadOnlyList<RecordChange> Changes,
    long FirstSequence,
    long LastSequence,
    IReadOnlyList<string> Rejected,
    DateTimeOffset ReceivedAt)
{
    /// <summary>An intent-to-receive request, or a payload with nothing in it.</summary>
    public bool IsEmpty => Changes.Count == 0 && Rejected.Count == 0 && LastSequence == 0;
}
