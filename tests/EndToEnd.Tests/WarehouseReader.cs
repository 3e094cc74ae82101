using DuckDB.NET.Data;

namespace XeroSync.Tests;

/// <summary>Reads a finished run's warehouse.duckdb (open only after the pipeline is disposed).</summary>
internal sealed class WarehouseReader : IDisposable
{
    private readonly DuckDBConnection _connection;

    public WarehouseReader(string path)
    {
        _connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        _connection.Open();
    }

    public bool Exists(string schema, string name, string type)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = $schema AND table_name = $name AND table_type = $type";
        command.Parameters.Add(new DuckDBParameter("schema", schema));
        command.Parameters.Add(new DuckDBParameter("name", name));
        command.Parameters.Add(new DuckDBParameter("type", type));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>The latest view's rows: (tenant_id, record_id) to payload text.</summary>
    public Dictionary<(string Tenant, string Record), string> Latest(string table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT tenant_id, record_id, payload::VARCHAR FROM xero.{table}";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<(string, string), string>();
        while (reader.Read())
        {
            var key = (reader.GetString(0), reader.GetString(1));
            Assert.True(rows.TryAdd(key, reader.GetString(2)), $"xero.{table} has more than one row for {key}");
        }

        return rows;
    }

    public long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a query: its column names and rows (DBNull as null).</summary>
    public (IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows) Query(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return (columns, rows);
    }

    public void Dispose() => _connection.Dispose();
}
