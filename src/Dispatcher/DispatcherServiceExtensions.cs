using XeroSync.Configuration;

namespace XeroSync.Dispatcher;

/// <summary>Composition of the Dispatcher HTTP service (cloud shape).</summary>
public static class DispatcherServiceExtensions
{
    public static WebApplicationBuilder AddDispatcherService(this WebApplicationBuilder builder) =>
        builder.AddDispatcherService(Environment.GetEnvironmentVariable);

    /// <summary>Composes the service with configuration read from <paramref name="environment"/> (tests pass their own).</summary>
    public static WebApplicationBuilder AddDispatcherService(this WebApplicationBuilder builder, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudService(environment);
        builder.Services.AddXeroWebhooks(environment);
        return builder;
    }
}
