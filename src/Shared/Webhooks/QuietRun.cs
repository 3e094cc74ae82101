using XeroSync.Pipeline;

namespace XeroSync.Webhooks;

/// <summary>
/// The incremental started for organisation <paramref name="TenantId"/> because <paramref name="Categories"/> (one or
/// more of its categories, ordered by endpoint) went quiet for longer than their limits: one run reads all their endpoints.
/// </summary>
public sealed record QuietRun(string TenantId, IReadOnlyList<QuietCategory> Categories, StartedRun Run)
{
    /// <summary>The endpoints the run reads, one per quiet category.</summary>
    public IReadOnlyList<string> Endpoints => [.. Categories.Select(c => c.Activity.Endpoint)];
}
