namespace XeroSync.Tests.Processes;

/// <summary>What a kill point observed: whether the child really was at that point when it was killed, and why we know.</summary>
/// <param name="Point">The kill point's name.</param>
/// <param name="Reached">True only when the evidence shows the point was reached before the SIGKILL.</param>
/// <param name="Detail">The evidence, for messages and the report.</param>
/// <param name="ExitCode">The child's exit code (137 after SIGKILL; its own code when it ended first).</param>
internal sealed record KillEvidence(string Point, bool Reached, string Detail, int ExitCode)
{
    public override string ToString() => $"{Point}: {(Reached ? "reached" : "NOT reached")} (exit {ExitCode}); {Detail}";
}
