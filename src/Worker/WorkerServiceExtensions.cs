using XeroSync.Configuration;
using XeroSync.Logging;
using XeroSync.Worker.Routes;

namespace XeroSync.Worker;

/// <summary>Composition of the Worker service: cloud adapters, pipeline steps, thin routes.</summary>
public static class WorkerServiceExtensions
{
    public static WebApplicationBuilder AddWorkerService(this WebApplicationBuilder builder) =>
        builder.AddWorkerService(Environment.GetEnvironmentVariable);

    /// <summary>Composes the service with configuration read from <paramref name="environment"/> (tests pass their own).</summary>
    public static WebApplicationBuilder AddWorkerService(this WebApplicationBuilder builder, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(environment);
        builder.UsePortVariable(environment);
        builder.Logging.AddCloudLogging();
        builder.Services.AddHealthChecks();
        builder.Services.AddCloudPipeline(environment);
        builder.Services.AddSingleton<FetchMessageProcessor>();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        return builder;
    }
}
