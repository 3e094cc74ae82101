namespace XeroSync.Warehouse.Local;

/// <summary>A query the warehouse refused (bad SQL, a write on the read-only connection) or a warehouse that cannot be opened.</summary>
public sealed class WarehouseQueryException : Exception
{
    public WarehouseQueryException()
    {
    }

    public WarehouseQueryException(string message)
        : base(message)
    {
    }

    public WarehouseQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
