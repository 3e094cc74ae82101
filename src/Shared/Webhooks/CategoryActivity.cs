namespace XeroSync.Webhooks;

/// <summary>
/// How webhook events arrive for one organisation and category (its endpoint), as <see cref="QuietWatch"/> keeps it: when
/// the last payload naming it arrived, how many gaps between payloads have been seen, the usual gap (an exponentially
/// weighted moving average of those gaps) and whether its current quiet spell already started an incremental.
/// </summary>
public sealed record CategoryActivity(string TenantId, string Endpoint, DateTimeOffset LastEvent, int Gaps, TimeSpan UsualGap, bool Triggered);
