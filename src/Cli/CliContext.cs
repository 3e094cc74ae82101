using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace XeroSync.Cli;

/// <summary>What a CLI command may touch: the console, logging, the clock and the environment.</summary>
public sealed record CliContext(IAnsiConsole Console, ILoggerFactory Loggers, TimeProvider Time, Func<string, string?> Environment);
