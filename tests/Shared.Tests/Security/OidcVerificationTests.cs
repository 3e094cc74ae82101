using System.Security.Cryptography;
using Google.Apis.Auth;
using Microsoft.AspNetCore.Http;
using XeroSync.Security;

namespace XeroSync.Tests.Security;

/// <summary>
/// The in-app OIDC check with locally signed tokens (the verifier fetches this test's JWKS instead of
/// Google's): a valid token from an allowed service account passes; a wrong audience, issuer, email,
/// an expired token or a bad signature is refused.
/// </summary>
public sealed class OidcVerificationTests : IDisposable
{
    private const string Audience = "https://acme-worker-123456789012.europe-west2.run.app";
    private const string Pusher = "acme-push@acme-xerosync.iam.gserviceaccount.com";
    private const string Operator = "ops@acme.example";

    // The audience of a user's `gcloud auth print-identity-token` (the Cloud SDK's OAuth client id, as Cloud Run's
    // authentication docs describe user tokens), written here rather than read from the code.
    private const string GcloudAudience = "32555940559.apps.googleusercontent.com";

    private readonly LocalGoogleSigner _signer = new();

    public void Dispose() => _signer.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task A_valid_token_of_an_allowed_account_is_accepted()
    {
        var problem = await VerifyAsync(Claims());

        Assert.Null(problem);
        Assert.True(_signer.CertificateFetches >= 1, "the signature was checked against the published key");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("aud", "https://someone-else.run.app")]
    [InlineData("iss", "https://evil.example")]
    [InlineData("email", "intruder@acme-xerosync.iam.gserviceaccount.com")]
    [InlineData("email_verified", false)]
    [InlineData("exp", -120)]
    public async Task A_token_with_a_wrong_claim_is_refused(string claim, object value)
    {
        var claims = Claims();
        claims[claim] = claim == "exp" ? Now() + (int)value : value;
        if (claim == "exp")
        {
            claims["iat"] = Now() - 3600;
        }

        var problem = await VerifyAsync(claims);

        Assert.NotNull(problem);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        using var other = RSA.Create(2048);

        var problem = await VerifyAsync(Claims(), other);

        Assert.NotNull(problem);
        Assert.StartsWith("invalid token", problem, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_tampered_payload_is_refused()
    {
        var token = _signer.Sign(Claims());
        var parts = token.Split('.');
        var forged = _signer.Sign(Claims(email: "intruder@acme-xerosync.iam.gserviceaccount.com")).Split('.')[1];

        var problem = await VerifyTokenAsync(parts[0] + "." + forged + "." + parts[2]);

        Assert.NotNull(problem);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-jwt")]
    public async Task A_request_without_a_bearer_jwt_is_refused(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = header;

        Assert.NotNull(await OidcVerification.VerifyAsync(context.Request, Settings(), [Pusher]));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(Operator, GcloudAudience, true)]
    [InlineData(Operator, Audience, true)]
    [InlineData(Pusher, GcloudAudience, false)]
    [InlineData("intruder@acme.example", GcloudAudience, false)]
    [InlineData("intruder@acme.example", Audience, false)]
    public async Task An_operator_passes_with_the_services_or_gcloud_audience_and_nobody_else_with_gcloud_audience(string email, string audience, bool accepted)
    {
        var claims = Claims(email);
        claims["aud"] = audience;
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + _signer.Sign(claims);
        var settings = Settings();
        settings.Audience = [Audience, GcloudAudience];

        var problem = await OidcVerification.VerifyAsync(context.Request, settings, [Pusher], [Operator]);

        Assert.Equal(accepted, problem is null);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_operators_a_gcloud_token_is_refused()
    {
        var claims = Claims(Operator);
        claims["aud"] = GcloudAudience;

        Assert.NotNull(await VerifyAsync(claims));
    }

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

    private static Dictionary<string, object> Claims(string email = Pusher) => new()
    {
        ["iss"] = "https://accounts.google.com",
        ["aud"] = Audience,
        ["sub"] = "112233445566778899",
        ["email"] = email,
        ["email_verified"] = true,
        ["iat"] = Now() - 10,
        ["exp"] = Now() + 3600,
    };

    private GoogleJsonWebSignature.ValidationSettings Settings() => new()
    {
        Audience = [Audience],
        HttpClientFactory = _signer,
        ForceGoogleCertRefresh = true, // this test's key, not a cached one
    };

    private Task<string?> VerifyAsync(Dictionary<string, object> claims, RSA? signWith = null) => VerifyTokenAsync(_signer.Sign(claims, signWith));

    private Task<string?> VerifyTokenAsync(string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + token;
        return OidcVerification.VerifyAsync(context.Request, Settings(), [Pusher]);
    }
}
