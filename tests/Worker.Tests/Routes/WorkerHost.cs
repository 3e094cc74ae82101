using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Security;
using XeroSync.Worker;
using XeroSync.Worker.Routes;

namespace XeroSync.Tests.Routes;

/// <summary>
/// The real Worker composition on an in-memory test server. Every Google host points at a closed loopback
/// port: the paths under test (poison, ignored events, authentication) must not need a backend.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WorkerHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    /// <summary>Every log record the service wrote (all categories, all levels the host enables).</summary>
    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<WorkerHost> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
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
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddWorkerService(name => environment.TryGetValue(name, out var value) ? value : null);
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        var app = builder.Build();
        app.UseOidcVerification();
        app.MapWorkerEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new WorkerHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
