using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Security;
using XeroSync.Worker;
using XeroSync.Worker.Routes;

namespace XeroSync.Tests.Routes;

/// <summary>A push costs the app's own log lines only: ASP.NET Core's per-request Information lines are filtered out.</summary>
public sealed class FrameworkLoggingTests
{
    [Fact(Timeout = 60_000)]
    public async Task Requests_write_no_framework_information_lines_while_the_apps_own_lines_still_appear()
    {
        var ct = TestContext.Current.CancellationToken;
        var environment = new Dictionary<string, string>
        {
            ["GOOGLE_CLOUD_PROJECT"] = "test-project",
            ["CLIENT_NAME"] = "acme",
            ["XERO_CLIENT_ID"] = "id",
            ["XERO_CLIENT_SECRET"] = "secret",
            ["PUBSUB_EMULATOR_HOST"] = "127.0.0.1:9",
            ["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:9",
            ["STORAGE_EMULATOR_HOST"] = "http://127.0.0.1:9",
            ["BIGQUERY_EMULATOR_HOST"] = "http://127.0.0.1:9",
        };
        var collector = new FakeLogCollector();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddWorkerService(name => environment.GetValueOrDefault(name));
        builder.Logging.AddProvider(new FakeLoggerProvider(collector)); // beside the Cloud Logging console, same filters
        await using var app = builder.Build();
        app.UseOidcVerification();
        app.MapWorkerEndpoints();
        await app.StartAsync(ct);
        using var client = app.GetTestClient();

        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
        using var content = new StringContent("not json", Encoding.UTF8, "application/json");
        using var push = await client.PostAsync(new Uri("/pubsub", UriKind.Relative), content, ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, push.StatusCode);
        var records = collector.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Category!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && r.Level < LogLevel.Warning);
        Assert.Contains(records, r => r.Category!.StartsWith("XeroSync", StringComparison.Ordinal) && r.Id.Id == 700); // the poison line
        await app.StopAsync(ct);
    }
}
