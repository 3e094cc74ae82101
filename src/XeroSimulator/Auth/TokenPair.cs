namespace XeroSync.XeroSimulator.Auth;

/// <summary>What a successful token call returns; RefreshToken is null for client_credentials.</summary>
internal sealed record TokenPair(string AccessToken, string? RefreshToken, int ExpiresIn, string Scope);
