using XeroSync.Pipeline;

namespace XeroSync.Webhooks;

/// <summary>An incremental started because <paramref name="Category"/> went quiet for longer than <paramref name="Limit"/>.</summary>
public sealed record QuietRun(CategoryActivity Category, TimeSpan Limit, StartedRun Run);
