using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XeroSync.Logging;

namespace XeroSync.Configuration;

/// <summary>What both Cloud Run services share: PORT, Cloud Logging JSON, health checks, the cloud pipeline, a short shutdown.</summary>
public static class CloudServiceExtensions
{
    public static WebApplicationBuilder AddCloudService(this WebApplicationBuilder builder, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(environment);
        builder.UsePortVariable(environment);
        builder.Logging.AddCloudLogging();

        // The framework's per-request lines (request starting/finished, endpoint executing/executed) would
        // be four lines per push, and the host's start-up lines four per instance start; only their warnings
        // and errors are kept. The app logs one line per page.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // IHttpClientFactory logs four Information lines per HTTP call (start, sending, received, end) for every
        // Xero and Google call: about fifty lines per page fetched, billed by Cloud Logging by volume. Its
        // warnings and errors stay; the app's own line per page (with the trace) says what was called.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(environment);

        // Cloud Run sends SIGTERM about 10 s before SIGKILL.
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
