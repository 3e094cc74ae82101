namespace XeroSync.Google.BigQuery;

/// <summary>How <see cref="BigQueryClient.PollJobAsync"/> waits: doubling delay from <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, giving up after <see cref="Timeout"/>.</summary>
public sealed record BigQueryPollOptions
{
    public static BigQueryPollOptions Default { get; } = new();

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
