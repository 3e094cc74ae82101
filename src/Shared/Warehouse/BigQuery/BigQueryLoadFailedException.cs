using XeroSync.Google.BigQuery;

namespace XeroSync.Warehouse.BigQuery;

/// <summary>
/// A load job ended DONE with an error. Its id is deterministic, so retrying the same manifest can never succeed:
/// fix the cause, then load the manifest under a new job id.
/// </summary>
public sealed class BigQueryLoadFailedException : Exception
{
    public BigQueryLoadFailedException()
    {
    }

    public BigQueryLoadFailedException(string message)
        : base(message)
    {
    }

    public BigQueryLoadFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BigQueryLoadFailedException(string jobId, string table, BigQueryError? error, Exception? innerException = null)
        : base(
            $"BigQuery load job {jobId} into {table} failed ({error?.Reason}: {error?.Message}). Job ids are deterministic, so retrying this " +
            "manifest under the same id can never succeed: fix the cause, then load it again under a new job id.",
            innerException)
    {
        JobId = jobId;
        Table = table;
        Error = error;
    }

    public string? JobId { get; }

    public string? Table { get; }

    public BigQueryError? Error { get; }
}
