namespace XeroSync.Google.BigQuery;

/// <summary>A job's state: PENDING, RUNNING or DONE; DONE with <see cref="ErrorResult"/> = failed; <see cref="OutputRows"/> = <c>statistics.load.outputRows</c>.</summary>
public sealed record BigQueryJob(string JobId, string? Location, string State, BigQueryError? ErrorResult, long? OutputRows)
{
    public bool IsDone => string.Equals(State, "DONE", StringComparison.Ordinal);
}
