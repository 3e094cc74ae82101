namespace XeroSync.Google.PubSub;

internal sealed record OidcTokenDto(string ServiceAccountEmail, string? Audience);
