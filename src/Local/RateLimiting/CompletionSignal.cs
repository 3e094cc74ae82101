namespace XeroSync.RateLimiting;

/// <summary>
/// Wakes whoever waits for a tenant's next call to end: taken before a decision and awaited after it, so an end that
/// happens in between is not missed.
/// </summary>
internal sealed class CompletionSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next call ends after this was read.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
