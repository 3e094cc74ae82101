using System.Reflection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace XeroSync.Cli;

/// <summary>The CLI entry: find the verb, parse its options, run it, map failures to exit codes and one clear line on stderr.</summary>
public static class CliApp
{
    public static string Usage =>
        "Usage: xerosync <command> [options]   (from a checkout: dotnet run --project src/Cli -- <command> [options])" + Environment.NewLine + Environment.NewLine
        + string.Join(Environment.NewLine, CliCommands.All.Select(c => $"  {c.Name,-9} {c.Summary}")) + Environment.NewLine + Environment.NewLine
        + "`xerosync <command> --help` shows a command's options; `xerosync --version` the version." + Environment.NewLine
        + "Exit codes: 0 complete, 1 failure (Xero unreachable, the data folder in use, a bug), 2 bad arguments or configuration," + Environment.NewLine
        + "3 partial run (some pages failed or were deferred: `retry` or the next `sync` picks them up)," + Environment.NewLine
        + "4 `sync --tie-out` found an account differing from Xero's Trial Balance (or could not read it)." + Environment.NewLine;

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static async Task<int> RunAsync(string[] args, CliContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verbose = args.Contains("--verbose");
        using var loggers = context is null ? CreateLoggers(verbose) : null;
        context ??= new CliContext(ProcessConsole(Console.Out, Console.IsOutputRedirected), loggers!, TimeProvider.System, Environment.GetEnvironmentVariable)
        {
            Error = ProcessConsole(Console.Error, Console.IsErrorRedirected),
        };
        switch (args)
        {
            case []:
                context.Error.WriteLine(Usage);
                return ExitCodes.Usage;
            case ["--help" or "-h" or "help", ..]:
                context.Console.WriteLine(Usage);
                return ExitCodes.Success;
            case ["--version", ..]:
                context.Console.WriteLine(Version);
                return ExitCodes.Success;
        }

        if (CliCommands.Find(args[0]) is not { } command)
        {
            context.Error.WriteLine($"error: unknown command '{Identifiers.Printable(args[0])}'.");
            context.Error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        if (CliArguments.AsksForHelp(args))
        {
            context.Console.WriteLine(command.Help);
            return ExitCodes.Success;
        }

        try
        {
            return await command.RunAsync(CliArguments.Parse(args, command.Options), context, cancellationToken);
        }
        catch (Exception ex) when (CliFailures.Classify(ex, cancellationToken) is { } failure)
        {
            context.Error.WriteLine(failure.Message);
            return failure.ExitCode;
        }
    }

    /// <summary>
    /// A console on one of the process's streams. Piped into a file or another program, nothing wraps: Spectre would
    /// otherwise break lines (and GUIDs in table cells) at 80 columns.
    /// </summary>
    private static IAnsiConsole ProcessConsole(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = UnwrappedWidth;
        }

        return console;
    }

    private const int UnwrappedWidth = 100_000;

    private static ILoggerFactory CreateLoggers(bool verbose) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
