using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using XeroSync.Cli;

namespace XeroSync.Tests;

/// <summary>Runs the CLI in-process with a captured console and a given environment.</summary>
internal static class CliHarness
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var env = environment ?? new Dictionary<string, string>();
        var context = new CliContext(console, NullLoggerFactory.Instance, time ?? TimeProvider.System, name => env.TryGetValue(name, out var value) ? value : null);
        var exitCode = await CliApp.RunAsync(args, context, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString());
    }
}
