namespace XeroSync.Cli;

/// <summary>Another sync or retry holds the data folder: the message says so; exit code 1.</summary>
public sealed class DataFolderInUseException : Exception
{
    public DataFolderInUseException()
    {
    }

    public DataFolderInUseException(string message)
        : base(message)
    {
    }

    public DataFolderInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
