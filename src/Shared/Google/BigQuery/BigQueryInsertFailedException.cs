namespace XeroSync.Google.BigQuery;

/// <summary>BigQuery refused rows of a <c>tabledata.insertAll</c> (its <c>insertErrors</c>): nothing of the refused rows was stored.</summary>
public sealed class BigQueryInsertFailedException : Exception
{
    public BigQueryInsertFailedException()
    {
    }

    public BigQueryInsertFailedException(string message)
        : base(message)
    {
    }

    public BigQueryInsertFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
