namespace XeroSync.Cli;

/// <summary>One verb of the command line: its name, one-line summary, help text, options (name -> takes a value) and handler.</summary>
public sealed record CliCommand(
    string Name,
    string Summary,
    string Help,
    IReadOnlyDictionary<string, bool> Options,
    Func<CliArguments, CliContext, CancellationToken, Task<int>> RunAsync);
