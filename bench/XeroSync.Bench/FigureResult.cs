namespace XeroSync.Bench;

/// <summary>One figure of the suite: what the issue asks of it, what this run measured, and how.</summary>
/// <param name="Met">Whether the measurement meets the target; null when the figure has no pass/fail target or was not measured.</param>
/// <param name="Values">The raw numbers behind <paramref name="Measured"/>, for the JSON.</param>
public sealed record FigureResult(int Number, string Name, string Target, string Measured, string How, bool? Met, IReadOnlyDictionary<string, double> Values)
{
    public string? Note { get; init; }

    public static FigureResult Failed(int number, string name, string target, string how, Exception error) =>
        new(number, name, target, "not measured: " + error.GetType().Name + ": " + error.Message, how, null, new Dictionary<string, double>());
}
