using Microsoft.Extensions.Logging;

namespace XeroSync.Logging;

public static class CloudLoggingExtensions
{
    /// <summary>Logs JSON lines in Cloud Logging's shape to stdout (Cloud Run's log agent parses them).</summary>
    public static ILoggingBuilder AddCloudLogging(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ClearProviders();
        builder.AddConsole(o => o.FormatterName = CloudLoggingFormatter.FormatterName);
        builder.AddConsoleFormatter<CloudLoggingFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        return builder;
    }
}
