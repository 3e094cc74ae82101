using System.Text.Json.Serialization;

namespace XeroSync.Xero;

/// <summary>
/// The persisted token set of one Xero connection (standard app). <see cref="RefreshToken"/> is the one
/// to use; <see cref="PreviousRefreshToken"/> is the one it replaced at <see cref="ReplacedAt"/>, still
/// accepted by Xero for 30 minutes. The last access token is kept too, so that another process can
/// use it instead of refreshing again. Secrets never appear in <see cref="ToString"/>.
/// </summary>
public sealed record StoredRefreshToken(
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("obtained_at")] DateTimeOffset ObtainedAt)
{
    [JsonPropertyName("previous_refresh_token")]
    public string? PreviousRefreshToken { get; init; }

    /// <summary>When <see cref="PreviousRefreshToken"/> was replaced by <see cref="RefreshToken"/>.</summary>
    [JsonPropertyName("replaced_at")]
    public DateTimeOffset? ReplacedAt { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("access_token_expires_at")]
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>The scopes Xero granted with <see cref="AccessToken"/> (space-separated), as its token response said.</summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    /// <summary>Keeps secrets out of any accidental ToString() in logs or exceptions.</summary>
    public override string ToString() =>
        $"StoredRefreshToken {{ ObtainedAt = {ObtainedAt:O}, HasPrevious = {PreviousRefreshToken is not null}, ReplacedAt = {ReplacedAt:O}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O} }}";
}
