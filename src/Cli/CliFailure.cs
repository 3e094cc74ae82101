namespace XeroSync.Cli;

/// <summary>What the user sees for a failure: one line for stderr and the process exit code.</summary>
public sealed record CliFailure(string Message, int ExitCode);
