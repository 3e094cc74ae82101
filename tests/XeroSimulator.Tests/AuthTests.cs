using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

public sealed class AuthTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task Client_credentials_issue_a_30_minute_bearer_token_and_reject_a_wrong_client()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)), authenticate: false);
        using var token = await sim.RequestTokenAsync(new() { ["grant_type"] = "client_credentials" });
        Assert.Equal(1800, token.RootElement.GetProperty("expires_in").GetInt32());
        Assert.Equal("Bearer", token.RootElement.GetProperty("token_type").GetString());
        Assert.False(token.RootElement.TryGetProperty("refresh_token", out _));

        using var formAuth = await sim.PostTokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "demo-client-id", ["client_secret"] = "demo-client-secret" }, clientId: null);
        Assert.Equal(HttpStatusCode.OK, formAuth.StatusCode);

        using var wrong = await sim.PostTokenAsync(new() { ["grant_type"] = "client_credentials" }, clientSecret: "nope");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetString());
        Assert.Equal(3, sim.State.ClientCredentialsTokenCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task Expired_missing_and_revoked_tokens_get_401_problem_bodies()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        using (var ok = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(31));
        using var expired = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString());
        var body = JsonDocument.Parse(await expired.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(JsonValueKind.Null, body.GetProperty("Type").ValueKind);
        Assert.Equal("Unauthorized", body.GetProperty("Title").GetString());
        Assert.Equal(401, body.GetProperty("Status").GetInt32());
        Assert.StartsWith("TokenExpired: token expired at ", body.GetProperty("Detail").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("Instance").GetString(), out _));
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Extensions").ValueKind);

        using var token = await sim.RequestTokenAsync(new() { ["grant_type"] = "client_credentials" });
        var fresh = token.RootElement.GetProperty("access_token").GetString()!;
        using (var ok = await sim.GetAsync("Currencies", bearer: fresh))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        sim.State.RevokeTokens();
        using var revoked = await sim.GetAsync("Currencies", bearer: fresh);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unknown_or_unconnected_tenants_get_403_and_unentitled_journals_401()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Clock = clock, Tenants = 3, Scale = 0.05, CreatedAt = Start, ChangesPerMinute = 0, CustomConnectionTenants = 2, TenantsWithoutJournals = [1],
        });
        using var unknown = await sim.GetAsync("Invoices", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        var body = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("Forbidden", body.GetProperty("Title").GetString());
        Assert.Equal(403, body.GetProperty("Status").GetInt32());
        Assert.Equal("AuthenticationUnsuccessful", body.GetProperty("Detail").GetString());

        using var notConnected = await sim.GetAsync("Invoices", sim.State.Tenants[2].TenantId);
        Assert.Equal(HttpStatusCode.Forbidden, notConnected.StatusCode);

        using var journals = await sim.GetAsync("Journals", sim.State.Tenants[1].TenantId);
        Assert.Equal(HttpStatusCode.Unauthorized, journals.StatusCode);
        Assert.Equal("AuthorizationUnsuccessful", JsonDocument.Parse(await journals.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("Detail").GetString());
        using var entitled = await sim.GetAsync("Journals", sim.State.Tenants[0].TenantId);
        Assert.Equal(HttpStatusCode.OK, entitled.StatusCode);

        using var connections = await sim.Http.GetAsync("connections", TestContext.Current.CancellationToken);
        var list = JsonDocument.Parse(await connections.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(2, list.GetArrayLength());
        Assert.Equal("ORGANISATION", list[0].GetProperty("tenantType").GetString());
        Assert.Equal(sim.State.Tenants[0].TenantId, list[0].GetProperty("tenantId").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Refresh_tokens_rotate_with_a_30_minute_grace_then_invalid_grant()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock), authenticate: false);
        var original = sim.State.IssueRefreshToken(sim.TenantId);

        using var first = await sim.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = original });
        var rotated = first.RootElement.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(original, rotated);

        clock.Advance(TimeSpan.FromMinutes(20));
        using var retry = await sim.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = original });
        Assert.Equal(rotated, retry.RootElement.GetProperty("refresh_token").GetString());

        clock.Advance(TimeSpan.FromMinutes(11));
        using var late = await sim.PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = original });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(await late.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetString());

        using var next = await sim.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = rotated });
        var access = next.RootElement.GetProperty("access_token").GetString()!;
        using (var ok = await sim.GetAsync("Currencies", bearer: access))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        clock.Advance(TimeSpan.FromDays(61));
        using var stale = await sim.PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = next.RootElement.GetProperty("refresh_token").GetString()! });
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);

        var revokedToken = sim.State.IssueRefreshToken();
        sim.State.RevokeTokens();
        using var revoked = await sim.PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = revokedToken });
        Assert.Equal(HttpStatusCode.BadRequest, revoked.StatusCode);
        Assert.Equal(6, sim.State.RefreshTokenCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task Authorization_code_with_pkce_yields_access_and_refresh_tokens()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)), authenticate: false);
        var verifier = "a-verifier-that-is-long-enough-to-be-a-real-pkce-verifier-123";
        var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = sim.Host.BaseUrl };
        var redirect = "http://localhost:5555/callback";
        using var authorize = await browser.GetAsync(
            $"connect/authorize?response_type=code&client_id=demo-client-id&redirect_uri={Uri.EscapeDataString(redirect)}&scope=offline_access&state=xyz&code_challenge={challenge}&code_challenge_method=S256",
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var location = authorize.Headers.Location!;
        Assert.StartsWith(redirect, location.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("xyz", query["state"]);

        using var badVerifier = await sim.PostTokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = query["code"]!, ["redirect_uri"] = redirect, ["code_verifier"] = "wrong" });
        Assert.Equal(HttpStatusCode.BadRequest, badVerifier.StatusCode);

        using var again = await browser.GetAsync(
            $"connect/authorize?response_type=code&client_id=demo-client-id&redirect_uri={Uri.EscapeDataString(redirect)}&state=s&code_challenge={challenge}&code_challenge_method=S256",
            TestContext.Current.CancellationToken);
        var code = System.Web.HttpUtility.ParseQueryString(again.Headers.Location!.Query)["code"]!;
        using var tokens = await sim.RequestTokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = verifier });
        Assert.False(string.IsNullOrEmpty(tokens.RootElement.GetProperty("refresh_token").GetString()));
        using var ok = await sim.GetAsync("Currencies", bearer: tokens.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, sim.State.AuthorizationCodeTokenCalls);
    }
}
