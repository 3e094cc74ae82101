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
        // be four lines per push; only its warnings and errors are kept. The app logs one line per page.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(environment);

        // Cloud Run sends SIGTERM about 10 s before SIGKILL.
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
