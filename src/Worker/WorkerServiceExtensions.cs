using XeroSync.Configuration;
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
        builder.AddCloudService(environment);
        builder.Services.AddSingleton<ReconcilePreparationProcessor>();
        builder.Services.AddSingleton<TieOutProcessor>();
        builder.Services.AddSingleton<FetchMessageProcessor>();
        return builder;
    }
}
