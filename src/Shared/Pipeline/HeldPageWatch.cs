namespace XeroSync.Pipeline;

/// <summary>
/// What a delivery does about a page another delivery holds, decided from what it has seen of the holder's lease (no I/O).
/// A live holder renews its lease every third of its length while it works, so within one renewal interval of the first
/// look the lease either moved on (the holder is alive and its own message answers for the page: the page is left to it)
/// or it did not (the holder may be gone: watched until its lease lapses, then taken over). Either way the delivery is
/// held for at most one lease length, never until its deadline.
/// </summary>
public sealed class HeldPageWatch
{
    /// <summary>Longest pause between two looks at a held page.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>The shortest pause, when the lease ends sooner than a poll (the page is looked at again as it lapses).</summary>
    public static readonly TimeSpan MinPause = TimeSpan.FromMilliseconds(50);

    private DateTimeOffset? _firstSeen;

    /// <summary>True after the first look (the waiting has started: said once).</summary>
    public bool Watching => _firstSeen is not null;

    /// <summary>
    /// Decides after one look: <paramref name="heldUntil"/> is the holder's lease end as just read (null when the store
    /// gave none), <paramref name="now"/> the clock, <paramref name="deadline"/> the delivery's (null: none).
    /// </summary>
    public HeldPageStep Next(DateTimeOffset? heldUntil, DateTimeOffset now, DateTimeOffset? deadline)
    {
        if (_firstSeen is { } seen && heldUntil is { } renewed && renewed > seen)
        {
            return HeldPageStep.LeaveToHolder;
        }

        if (deadline is { } end && now >= end)
        {
            return HeldPageStep.AnswerForRedelivery;
        }

        _firstSeen ??= heldUntil ?? now;
        var pause = heldUntil is { } until && until - now < Poll ? until - now : Poll;
        return HeldPageStep.LookAgainAfter(pause > TimeSpan.Zero ? pause : MinPause);
    }
}
