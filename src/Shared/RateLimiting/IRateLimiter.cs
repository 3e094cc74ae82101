using XeroSync.Xero;

namespace XeroSync.RateLimiting;

/// <summary>
/// Keeps every Xero call within the limits: per tenant 60 a minute, 5 in flight and the day budget;
/// 10,000 a minute per app. In-process locally, shared through Firestore in the cloud.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Waits for a permit for one call, at most <paramref name="maxWait"/>; a denied permit says why.</summary>
    ValueTask<XeroPermit> AcquireAsync(string tenantId, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Feeds back what a response said (remaining counts; for a 429 the problem and Retry-After).</summary>
    ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, CancellationToken cancellationToken);
}
