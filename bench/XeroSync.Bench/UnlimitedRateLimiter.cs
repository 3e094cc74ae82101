using XeroSync.RateLimiting;
using XeroSync.Xero;

namespace XeroSync.Bench;

/// <summary>Grants every permit at once: the page benchmark measures bytes, not Xero's limits.</summary>
internal sealed class UnlimitedRateLimiter : IRateLimiter
{
    public ValueTask<XeroPermit> AcquireAsync(string tenantId, TimeSpan maxWait, CancellationToken cancellationToken) =>
        ValueTask.FromResult(XeroPermit.Granted(static () => ValueTask.CompletedTask));

    public ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
