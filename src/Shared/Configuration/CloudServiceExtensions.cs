using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(environment);

        // Cloud Run sends SIGTERM about 10 s before SIGKILL.
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
