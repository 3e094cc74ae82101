namespace XeroSync.XeroSimulator;

/// <summary>An API call accepted by the rate limiter and about to be served (see <see cref="SimulatorState.OnServing"/>).</summary>
public sealed record SimulatedArrival(DateTimeOffset Time, string TenantId, string Endpoint, string PathAndQuery);
