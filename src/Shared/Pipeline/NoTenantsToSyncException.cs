namespace XeroSync.Pipeline;

/// <summary>A run cannot start: Xero lists no organisation for these credentials, or none of the requested ones.</summary>
public sealed class NoTenantsToSyncException : Exception
{
    public NoTenantsToSyncException()
    {
    }

    public NoTenantsToSyncException(string message)
        : base(message)
    {
    }

    public NoTenantsToSyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
