namespace XeroSync.Warehouse.Local;

/// <summary>The answer of one read-only query: column names and types, and the rows' values (DBNull as null).</summary>
/// <param name="Columns">Column names in select order.</param>
/// <param name="ColumnTypes">DuckDB type names (<c>DECIMAL(18,2)</c>, <c>DATE</c>, ...), one per column.</param>
/// <param name="Rows">One array per row, one value per column.</param>
public sealed record WarehouseQueryResult(IReadOnlyList<string> Columns, IReadOnlyList<string> ColumnTypes, IReadOnlyList<object?[]> Rows);
