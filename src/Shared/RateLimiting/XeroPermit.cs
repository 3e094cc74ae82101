namespace XeroSync.RateLimiting;

/// <summary>
/// The right to make one Xero call for a tenant. Say when its request goes out (<see cref="MarkSentAsync"/>) and
/// dispose it when the response has been read: that frees the in-flight slot and stamps the call's completion time
/// into the minute window. A permit whose request was never sent is given back with <see cref="ReturnUnusedAsync"/>
/// instead, and counts as no call.
/// </summary>
public sealed class XeroPermit : IAsyncDisposable
{
    private readonly Func<ValueTask>? _release;
    private readonly Func<ValueTask>? _returnUnused;
    private Func<ValueTask>? _sent;
    private Func<Xero.RateLimitObservation, CancellationToken, ValueTask>? _answered;
    private int _ended;

    private XeroPermit(bool granted, PermitDenial denial, DateTimeOffset? retryAt, Func<ValueTask>? release, PermitWaitReason waitReason = PermitWaitReason.None, Func<ValueTask>? returnUnused = null, Func<ValueTask>? sent = null)
    {
        WaitReason = waitReason;
        IsGranted = granted;
        Denial = denial;
        RetryAt = retryAt;
        _release = release;
        _returnUnused = returnUnused ?? release;
        _sent = sent;
    }

    public bool IsGranted { get; }

    public PermitDenial Denial { get; }

    /// <summary>For a denial: when a permit is expected to be available again, if known.</summary>
    public DateTimeOffset? RetryAt { get; }

    public static XeroPermit Granted(Func<ValueTask> release) => new(true, PermitDenial.None, null, release);

    /// <summary>
    /// A permit whose limiter counts the day from when its request goes out (<paramref name="sent"/>), and that can be
    /// given back unused (<paramref name="returnUnused"/>), when no call is counted for it.
    /// </summary>
    public static XeroPermit Granted(Func<ValueTask> release, Func<ValueTask> returnUnused, Func<ValueTask> sent) =>
        new(true, PermitDenial.None, null, release, PermitWaitReason.None, returnUnused, sent);

    /// <summary>As above, and the limiter is told which call an answer belongs to (<see cref="AnsweredAsync"/>).</summary>
    public static XeroPermit Granted(Func<ValueTask> release, Func<ValueTask> returnUnused, Func<ValueTask> sent, Func<Xero.RateLimitObservation, CancellationToken, ValueTask> answered) =>
        new(true, PermitDenial.None, null, release, PermitWaitReason.None, returnUnused, sent) { _answered = answered };

    /// <summary>
    /// Feeds back what this permit's own response said, naming the call to the limiter; false when the limiter takes
    /// answers only through <see cref="IRateLimiter.ObserveAsync"/>.
    /// </summary>
    public async ValueTask<bool> AnsweredAsync(Xero.RateLimitObservation observation, CancellationToken cancellationToken)
    {
        if (_answered is not { } answered)
        {
            return false;
        }

        await answered(observation, cancellationToken);
        return true;
    }

    /// <summary>For a <see cref="PermitDenial.WaitTooLong"/> denial: what the permit was waiting for.</summary>
    public PermitWaitReason WaitReason { get; }

    public static XeroPermit Denied(PermitDenial denial, DateTimeOffset? retryAt) => new(false, denial, retryAt, null);

    public static XeroPermit Denied(PermitDenial denial, DateTimeOffset? retryAt, PermitWaitReason waitReason) => new(false, denial, retryAt, null, waitReason);

    /// <summary>Says the permit's request is going out now: from here Xero may count it. Once per permit.</summary>
    public ValueTask MarkSentAsync() => Interlocked.Exchange(ref _sent, null)?.Invoke() ?? ValueTask.CompletedTask;

    /// <summary>Releases the permit after its call (or an attempt at one): the call counts against every limit.</summary>
    public ValueTask DisposeAsync() => End(_release);

    /// <summary>Gives the permit back without its request having been sent: its slots are free again and no call is counted.</summary>
    public ValueTask ReturnUnusedAsync() => End(_returnUnused);

    private ValueTask End(Func<ValueTask>? action) =>
        Interlocked.Exchange(ref _ended, 1) == 0 && action is not null ? action() : ValueTask.CompletedTask;
}
