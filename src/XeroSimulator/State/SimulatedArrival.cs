namespace XeroSync.XeroSimulator;

/// <summary>An API call accepted by the rate limiter (or an authorised <c>/connections</c> call) about to be served (see <see cref="SimulatorState.OnServing"/>).</summary>
/// <param name="TenantId">The tenant of an API call; null for <c>/connections</c>.</param>
/// <param name="Endpoint">Catalog name ("Invoices") or "connections".</param>
public sealed record SimulatedArrival(DateTimeOffset Time, string? TenantId, string Endpoint, string PathAndQuery);
