using XeroSync.Pipeline;

namespace XeroSync.Cli;

/// <summary>The pipeline's tuning variables for a local command, read by the same parser the services use.</summary>
public static class PipelineEnvironment
{
    public static PipelineOptions Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new PipelineOptions();
        var problems = options.ReadEnvironment(environment);
        return problems.Count == 0 ? options : throw new CliUsageException(string.Join(Environment.NewLine, problems));
    }
}
