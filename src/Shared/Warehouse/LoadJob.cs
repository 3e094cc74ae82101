using XeroSync.Xero;

namespace XeroSync.Warehouse;

/// <summary>One warehouse load: every object of one manifest into the endpoint's raw table.</summary>
/// <param name="JobId">Deterministic (derived from the manifest name): loading twice is a no-op.</param>
/// <param name="ExpectedRows">The manifest's record count; the load is checked against it.</param>
public sealed record LoadJob(string JobId, XeroEndpoint Endpoint, IReadOnlyList<string> ObjectNames, long ExpectedRows);
