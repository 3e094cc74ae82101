namespace XeroSync.XeroSimulator.Auth;

internal sealed record AuthorizationCodeGrant(string Code, string RedirectUri, string? CodeChallenge, string Scope, DateTimeOffset ExpiresAt);
