using XeroSync.Configuration;
using XeroSync.Logging;
using XeroSync.Worker.Routes;

namespace XeroSync.Worker;

/// <summary>Composition of the Worker service: cloud adapters, pipeline steps, thin routes.</summary>
public static class WorkerServiceExtensions
{
    public static WebApplicationBuilder AddWorkerService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UsePortVariable(Environment.GetEnvironmentVariable);
        builder.Logging.AddCloudLogging();
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(Environment.GetEnvironmentVariable);
        builder.Services.AddSingleton<FetchMessageProcessor>();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
