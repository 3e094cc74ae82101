namespace XeroSync.XeroSimulator;

/// <summary>One logged request to the API or /connections.</summary>
/// <param name="Time">Simulator clock when the request arrived.</param>
/// <param name="TenantId">xero-tenant-id header (null when absent).</param>
/// <param name="Endpoint">Catalog name ("Invoices"), "connections", or the raw path segment when unknown.</param>
/// <param name="PathAndQuery">Request path and query string.</param>
/// <param name="IfModifiedSince">Raw If-Modified-Since header value.</param>
/// <param name="StatusCode">Response status; 499 when the client went away before any response was sent.</param>
/// <param name="Problem">Rate-limit problem (minute, day, concurrent, appminute), injected fault (fault:500, fault:503, fault:slow, fault:truncate, fault:timeout, fault:targeted), an auth failure (unauthorized, forbidden, not-entitled, missing-scope), "url-too-long" (past Xero's 2,091 characters), or "aborted" (the client went away while a test held the call); null otherwise.</param>
/// <param name="Fault">The injected fault this request got (a <see cref="SimulatedFault"/> value), null when none.</param>
/// <param name="BytesSent">Response body bytes the simulator sent, as on the wire: after gzip when the client asked for it and the simulator compresses.</param>
public sealed record SimulatedRequest(
    DateTimeOffset Time,
    string? TenantId,
    string? Endpoint,
    string PathAndQuery,
    string? IfModifiedSince,
    int StatusCode,
    string? Problem,
    string? Fault = null,
    long BytesSent = 0);
