using Spectre.Console;
using XeroSync.Cli.Local;

namespace XeroSync.Cli;

/// <summary><c>retry RUN_ID</c>: republish a run's failed and deferred pages and wait for them.</summary>
public static class RetryCommand
{
    public static readonly IReadOnlyDictionary<string, bool> Options = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["demo"] = false,
        ["data-dir"] = true,
        ["tenants"] = true,
        ["verbose"] = false,
    };

    public static async Task<int> RunAsync(CliArguments args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Positionals is not [var runId] || !Identifiers.IsValidRunId(runId))
        {
            throw new CliUsageException("Usage: retry RUN_ID [--demo] [--data-dir DIR]. `status` lists run ids.");
        }

        var dataDirectory = DataFolder.ForWriting(args);
        using var folderLock = DataFolder.LockForWriting(dataDirectory);
        var pipelineOptions = PipelineEnvironment.Read(context.Environment);
        await using var target = await XeroTarget.ResolveAsync(args, context, dataDirectory, cancellationToken);
        using var log = RunLog.Open(dataDirectory, args.Has("verbose"));
        await using var pipeline = new LocalPipeline(new LocalPipelineSettings(dataDirectory, target.Options) { Pipeline = pipelineOptions }, log.Loggers, context.Time);
        Pipeline.RetryResult result;
        try
        {
            result = await pipeline.RetryAsync(runId, cancellationToken);
        }
        catch (KeyNotFoundException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }

        context.Console.MarkupLine(Markup.Escape($"Run {runId}: republished {result.Republished} page(s)."));
        foreach (var pair in result.Superseded)
        {
            context.Console.MarkupLine(Markup.Escape($"  {pair}: not retried, a later run already loaded it."));
        }

        return await RunReport.FollowAndSummariseAsync(pipeline, log, runId, perTenant: true, context, cancellationToken);
    }
}
