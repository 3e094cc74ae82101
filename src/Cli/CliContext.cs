using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace XeroSync.Cli;

/// <summary>What a CLI command may touch: the console (results), logging, the clock and the environment.</summary>
public sealed record CliContext(IAnsiConsole Console, ILoggerFactory Loggers, TimeProvider Time, Func<string, string?> Environment)
{
    /// <summary>Where errors and usage go (stderr for the real process); the result console unless set.</summary>
    public IAnsiConsole Error { get; init; } = Console;
}
