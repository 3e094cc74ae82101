using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using XeroSync.Cli;

namespace XeroSync.Tests;

/// <summary>Runs the CLI in-process with a captured console and a given environment.</summary>
internal static class CliHarness
{
    /// <summary>Runs the CLI; Output is what it wrote to stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        var (exitCode, stdout, stderr) = await RunSplitAsync(args, environment, time);
        return (exitCode, stderr + stdout);
    }

    /// <summary>Runs the CLI with stdout and stderr captured apart.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunSplitAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var context = new CliContext(Console(stdout), NullLoggerFactory.Instance, time ?? TimeProvider.System, name => env.TryGetValue(name, out var value) ? value : null)
        {
            Error = Console(stderr),
        };
        var exitCode = await CliApp.RunAsync(args, context, TestContext.Current.CancellationToken);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static IAnsiConsole Console(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        return console;
    }
}
