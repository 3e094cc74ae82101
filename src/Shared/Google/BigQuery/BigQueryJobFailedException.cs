namespace XeroSync.Google.BigQuery;

/// <summary>A job finished DONE with <c>status.errorResult</c>.</summary>
public sealed class BigQueryJobFailedException : Exception
{
    public BigQueryJobFailedException()
    {
    }

    public BigQueryJobFailedException(string message)
        : base(message)
    {
    }

    public BigQueryJobFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BigQueryJobFailedException(string jobId, BigQueryError? error)
        : base($"BigQuery job {jobId} failed: {error?.Reason}: {error?.Message}")
    {
        JobId = jobId;
        Error = error;
    }

    public string? JobId { get; }

    public BigQueryError? Error { get; }
}
