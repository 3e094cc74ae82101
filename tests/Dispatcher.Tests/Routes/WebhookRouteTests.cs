using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XeroSync.Dispatcher;
using XeroSync.Dispatcher.Routes;
using XeroSync.Security;
using XeroSync.Webhooks;

namespace XeroSync.Tests.Routes;

/// <summary>
/// The Dispatcher with its in-app OIDC check on: POST /webhooks/xero answers Xero without a Google token (200 with no
/// body for a correctly signed intent-to-receive request, 401 otherwise), while every other route still demands one.
/// </summary>
public sealed class WebhookRouteTests
{
    private const string Key = "route-test-webhook-key";

    /// <summary>Xero's documented intent-to-receive body.</summary>
    private const string IntentToReceive = """{"events": [], "lastEventSequence": 0, "firstEventSequence": 0, "entropy": "S0m3r4Nd0mt3xt"}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task The_webhook_route_is_public_and_signed_while_every_other_route_keeps_the_oidc_check()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        using var signed = await PostAsync(client, "/webhooks/xero", IntentToReceive, Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(IntentToReceive))));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Empty(await signed.Content.ReadAsByteArrayAsync(Token));
        Assert.False(signed.Headers.Contains("Set-Cookie"));

        using var forged = await PostAsync(client, "/webhooks/xero", IntentToReceive, "bm90IHRoZSBzaWduYXR1cmU=");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Empty(await forged.Content.ReadAsByteArrayAsync(Token));

        // No token: refused by the OIDC check everywhere else, a look-alike path included.
        foreach (var path in new[] { "/run", "/reconcile", "/webhooks/quiet-check", "/webhooks/xero/extra", "/webhooks/xerox" })
        {
            using var response = await PostAsync(client, path, "{}", null);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"POST {path}: {response.StatusCode}");
        }

        foreach (var path in new[] { "/webhooks/xero", "/freshness" })
        {
            using var get = await client.GetAsync(new Uri(path, UriKind.Relative), Token);
            Assert.True(get.StatusCode == HttpStatusCode.Unauthorized, $"GET {path}: {get.StatusCode}");
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, string? signature)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (signature is not null)
        {
            content.Headers.TryAddWithoutValidation("x-xero-signature", signature);
        }

        return await client.PostAsync(new Uri(path, UriKind.Relative), content, Token);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["GOOGLE_CLOUD_PROJECT"] = "test-project",
            ["CLIENT_NAME"] = "acme",
            ["XERO_CLIENT_ID"] = "id",
            ["XERO_CLIENT_SECRET"] = "secret",
            ["XERO_API_URL"] = "http://127.0.0.1:9/api.xro/2.0/",
            ["XERO_IDENTITY_URL"] = "http://127.0.0.1:9/identity/",
            ["PUBSUB_EMULATOR_HOST"] = "127.0.0.1:9",
            ["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:9",
            ["STORAGE_EMULATOR_HOST"] = "http://127.0.0.1:9",
            ["BIGQUERY_EMULATOR_HOST"] = "http://127.0.0.1:9",
            ["XEROSYNC_OIDC_AUDIENCE"] = "https://acme-dispatcher-123456789012.europe-west1.run.app",
            ["XEROSYNC_OIDC_ALLOWED_EMAILS"] = "acme-scheduler@test-project.iam.gserviceaccount.com",
        };
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddDispatcherService(name => environment.TryGetValue(name, out var value) ? value : null);
        builder.Services.AddSingleton<IWebhookKeySource>(new FixedWebhookKey(Key));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseOidcVerification();
        app.MapDispatcherEndpoints();
        app.MapWebhookEndpoints();
        await app.StartAsync(Token);
        return app;
    }
}
