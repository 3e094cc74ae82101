namespace XeroSync.Google.SecretManager;

/// <summary>An accessed payload's CRC-32C differs from the server's <c>dataCrc32c</c>: the bytes are corrupt.</summary>
public sealed class SecretChecksumMismatchException : Exception
{
    public SecretChecksumMismatchException()
    {
    }

    public SecretChecksumMismatchException(string message)
        : base(message)
    {
    }

    public SecretChecksumMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
