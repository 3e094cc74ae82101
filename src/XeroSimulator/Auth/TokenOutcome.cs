namespace XeroSync.XeroSimulator.Auth;

/// <summary>Either a token pair or an OAuth error code (invalid_client, invalid_grant, unsupported_grant_type, invalid_request).</summary>
internal sealed record TokenOutcome(TokenPair? Tokens, string? Error)
{
    public static TokenOutcome Fail(string error) => new(null, error);

    public static TokenOutcome Ok(TokenPair tokens) => new(tokens, null);
}
