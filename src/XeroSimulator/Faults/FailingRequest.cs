namespace XeroSync.XeroSimulator;

/// <summary>
/// A request that always fails with a 500 while the rule is set: every call to <paramref name="Endpoint"/> whose
/// query has every one of <paramref name="QueryParameters"/> (for example <c>page=3</c>, <c>offset=200</c>; none
/// matches every call). Logged with the problem <c>fault:targeted</c>.
/// </summary>
public sealed record FailingRequest(string Endpoint, params string[] QueryParameters)
{
    public bool Matches(string endpoint, Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return string.Equals(endpoint, Endpoint, StringComparison.OrdinalIgnoreCase) &&
               QueryParameters.All(p => p.Split('=', 2) is [var name, var value] && string.Equals(query[name].ToString(), value, StringComparison.OrdinalIgnoreCase));
    }
}
