using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>
/// A targeted run the pipeline opened and published (null <paramref name="Run"/> when nothing was left to read), and
/// the tenants of changes left out because Xero does not list them as connected.
/// </summary>
public sealed record StartedTargetedRun(RunInfo? Run, IReadOnlyList<FetchRequest> Requests, IReadOnlyList<string> UnknownTenants);
