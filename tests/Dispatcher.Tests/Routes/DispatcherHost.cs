using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Dispatcher;
using XeroSync.Dispatcher.Routes;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;
using XeroSync.Security;

namespace XeroSync.Tests.Routes;

/// <summary>
/// The real Dispatcher composition on an in-memory test server. Xero and every Google host point at a closed
/// loopback port, so a request that got past validation fails loudly; the run ledger is the SQLite stand-in in a
/// temporary folder, so "no such run" is answered by a real store.
/// </summary>
public sealed class DispatcherHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _folder;

    private DispatcherHost(WebApplication app, TempDirectory folder)
    {
        _app = app;
        _folder = folder;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    /// <summary>Every log record the service wrote.</summary>
    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<DispatcherHost> StartAsync(CancellationToken cancellationToken)
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
        };
        var folder = new TempDirectory();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddDispatcherService(name => environment.TryGetValue(name, out var value) ? value : null);
        builder.Services.AddSingleton<IRunLedger>(sp => new SqliteRunLedger(SqliteStateDatabase.InFolder(folder.Path), sp.GetRequiredService<TimeProvider>()));
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        var app = builder.Build();
        app.UseOidcVerification();
        app.MapDispatcherEndpoints();
        await app.StartAsync(cancellationToken);
        return new DispatcherHost(app, folder);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}
