using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>A run the Dispatcher opened and published.</summary>
public sealed record StartedRun(RunInfo Run, IReadOnlyList<XeroConnection> Tenants, IReadOnlyList<XeroEndpoint> Endpoints, int Messages);
