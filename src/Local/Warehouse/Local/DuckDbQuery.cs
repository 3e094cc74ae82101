using System.Globalization;
using DuckDB.NET.Data;

namespace XeroSync.Warehouse.Local;

/// <summary>
/// Runs an analyst's SQL on a local warehouse file opened read-only (DuckDB <c>ACCESS_MODE=READ_ONLY</c>), so a
/// query can never change the data a sync wrote; with DuckDB's external access disabled and its configuration locked
/// before the SQL runs, so DuckDB itself refuses what would write or reach outside the file (COPY ... TO, EXPORT,
/// ATTACH, INSTALL, LOAD, SET). Each statement's result is returned; rows are capped to keep a console answer bounded.
/// While a sync runs, the query waits for the load in progress to commit (the sync opens the file only while it loads)
/// and then sees every load committed so far, and no part of an unfinished one.
/// </summary>
public static class DuckDbQuery
{
    /// <summary>How long a query waits for a sync's load in progress to let go of the file.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    /// <summary>DuckDB settings applied before the analyst's SQL; once locked, no statement can change them back.</summary>
    private const string Lockdown = "SET enable_external_access = false; SET lock_configuration = true;";

    public static async Task<IReadOnlyList<WarehouseQueryResult>> RunAsync(string databasePath, string sql, int maxRows, TimeProvider time, TimeSpan lockWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"No warehouse at {databasePath}.", databasePath);
        }

        DuckDBConnection connection;
        try
        {
            connection = await DuckDbSession.OpenReadOnlyAsync(databasePath, time, lockWait, cancellationToken);
        }
        catch (DuckDBException ex) when (DuckDbSession.IsLockConflict(ex))
        {
            throw new WarehouseQueryException(string.Create(CultureInfo.InvariantCulture, $"Cannot open {databasePath} read-only: a sync has been loading into it for longer than {lockWait.TotalSeconds:0} s; try again when it is done."), ex);
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseQueryException($"Cannot open {databasePath} read-only: {Clean(ex.Message)}", ex);
        }

        await using var owned = connection;

        try
        {
            await using (var lockdown = connection.CreateCommand())
            {
                lockdown.CommandText = Lockdown;
                await lockdown.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var results = new List<WarehouseQueryResult>();
            do
            {
                results.Add(await ReadResultAsync(reader, maxRows, cancellationToken));
            }
            while (await reader.NextResultAsync(cancellationToken));

            return results;
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseQueryException(Clean(ex.Message), ex);
        }
        catch (InvalidCastException ex)
        {
            // DuckDB.NET cannot hand over a LIST of numbers, dates or booleans holding a NULL.
            throw new WarehouseQueryException($"A value could not be read ({Clean(ex.Message)}); select that column as to_json(column) instead.", ex);
        }
    }

    private static async Task<WarehouseQueryResult> ReadResultAsync(System.Data.Common.DbDataReader reader, int maxRows, CancellationToken cancellationToken)
    {
        var columns = new string[reader.FieldCount];
        var types = new string[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = reader.GetName(i);
            types[i] = reader.GetDataTypeName(i);
        }

        var rows = new List<object?[]>();
        while (rows.Count < maxRows && await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new WarehouseQueryResult(columns, types, rows);
    }

    private static string Clean(string message) => message.Trim();
}
