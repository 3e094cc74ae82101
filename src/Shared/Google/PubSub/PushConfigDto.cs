namespace XeroSync.Google.PubSub;

internal sealed record PushConfigDto(string PushEndpoint, OidcTokenDto? OidcToken, NoWrapperDto? NoWrapper);
