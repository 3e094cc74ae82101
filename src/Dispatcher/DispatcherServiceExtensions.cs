using XeroSync.Configuration;
using XeroSync.Logging;

namespace XeroSync.Dispatcher;

/// <summary>Composition of the Dispatcher HTTP service (cloud shape).</summary>
public static class DispatcherServiceExtensions
{
    public static WebApplicationBuilder AddDispatcherService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UsePortVariable(Environment.GetEnvironmentVariable);
        builder.Logging.AddCloudLogging();
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(Environment.GetEnvironmentVariable);
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
