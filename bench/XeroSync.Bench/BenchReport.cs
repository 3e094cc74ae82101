namespace XeroSync.Bench;

/// <summary>What one run of the suite writes as JSON.</summary>
public sealed record BenchReport(string Command, bool Quick, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, Machine Machine, IReadOnlyList<FigureResult> Figures);
