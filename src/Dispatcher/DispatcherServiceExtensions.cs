namespace XeroSync.Dispatcher;

/// <summary>Composition of the Dispatcher HTTP service (cloud shape).</summary>
public static class DispatcherServiceExtensions
{
    public static WebApplicationBuilder AddDispatcherService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks();
        return builder;
    }

}
