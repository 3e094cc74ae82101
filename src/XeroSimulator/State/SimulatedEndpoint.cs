namespace XeroSync.XeroSimulator;

/// <summary>
/// The simulator's own paging rules for one endpoint, published so tests can compute what a correct client must
/// do (the fewest calls, which records a page holds) without asking the code under test.
/// </summary>
/// <param name="Name">Xero's endpoint name (<c>Invoices</c>).</param>
/// <param name="Paging">How it pages: <c>none</c> (one call), <c>page+size</c>, <c>page</c> (fixed size), <c>offset</c> (Journals).</param>
/// <param name="FullPage">Records on a full page when the client asks for as many as Xero allows (0 for one call).</param>
/// <param name="SupportsIfModifiedSince">Whether If-Modified-Since filters the endpoint.</param>
public sealed record SimulatedEndpoint(string Name, string Paging, int FullPage, bool SupportsIfModifiedSince);
