namespace XeroSync.XeroSimulator;

/// <summary>
/// A request that always fails with a 500 while the rule is set: every call to <paramref name="Endpoint"/> whose
/// query has every one of <paramref name="QueryParameters"/> (for example <c>page=3</c>, <c>offset=200</c>; none
/// matches every call). Logged with the problem <c>fault:targeted</c>.
/// </summary>
public sealed record FailingRequest(string Endpoint, params string[] QueryParameters)
{
    /// <summary>Set: only <c>GET /{Endpoint}/{RecordId}</c> fails (one budget's or one group's by-id call).</summary>
    public string? RecordId { get; init; }

    public bool Matches(string endpoint, Microsoft.AspNetCore.Http.IQueryCollection query, string? recordId = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return string.Equals(endpoint, Endpoint, StringComparison.OrdinalIgnoreCase) &&
               (RecordId is null || string.Equals(recordId, RecordId, StringComparison.OrdinalIgnoreCase)) &&
               QueryParameters.All(p => p.Split('=', 2) is [var name, var value] && string.Equals(query[name].ToString(), value, StringComparison.OrdinalIgnoreCase));
    }
}
