namespace XeroSync.RateLimiting;

/// <summary>
/// The right to make one Xero call for a tenant. Dispose it when the response has been read: that frees
/// the in-flight slot and stamps the call's completion time into the minute window.
/// </summary>
public sealed class XeroPermit : IAsyncDisposable
{
    private Func<ValueTask>? _release;

    private XeroPermit(bool granted, PermitDenial denial, DateTimeOffset? retryAt, Func<ValueTask>? release, PermitWaitReason waitReason = PermitWaitReason.None)
    {
        WaitReason = waitReason;
        IsGranted = granted;
        Denial = denial;
        RetryAt = retryAt;
        _release = release;
    }

    public bool IsGranted { get; }

    public PermitDenial Denial { get; }

    /// <summary>For a denial: when a permit is expected to be available again, if known.</summary>
    public DateTimeOffset? RetryAt { get; }

    public static XeroPermit Granted(Func<ValueTask> release) => new(true, PermitDenial.None, null, release);

    /// <summary>For a <see cref="PermitDenial.WaitTooLong"/> denial: what the permit was waiting for.</summary>
    public PermitWaitReason WaitReason { get; }

    public static XeroPermit Denied(PermitDenial denial, DateTimeOffset? retryAt) => new(false, denial, retryAt, null);

    public static XeroPermit Denied(PermitDenial denial, DateTimeOffset? retryAt, PermitWaitReason waitReason) => new(false, denial, retryAt, null, waitReason);

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _release, null)?.Invoke() ?? ValueTask.CompletedTask;
}
