using System.Net.Http;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using XeroSync.Pipeline;
using XeroSync.Warehouse.Local;
using XeroSync.Xero;

namespace XeroSync.Cli;

/// <summary>
/// Maps what a user can cause (bad arguments, an unreachable Xero, a data folder in use or not writable) to one clear
/// line and its exit code. Anything else is a bug and keeps its stack trace.
/// </summary>
public static class CliFailures
{
    public static CliFailure? Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CliUsageException ex => new("error: " + ex.Message, ExitCodes.Usage),
        DataFolderInUseException ex => new("error: " + ex.Message, ExitCodes.Failure),
        OperationCanceledException when cancellationToken.IsCancellationRequested =>
            new("Cancelled. Run `sync` again: finished endpoints are not fetched twice, the rest is re-read.", ExitCodes.Failure),
        NoTenantsToSyncException ex => new("error: " + ex.Message, ExitCodes.Usage),
        XeroApiException ex => new("Xero error: " + ex.Message, ex.Failure == XeroFailure.AccessDenied ? ExitCodes.Usage : ExitCodes.Failure),
        HttpRequestException ex => new($"error: Xero could not be reached ({OneLine(ex.Message)}). Check the network (or XERO_API_URL / XERO_IDENTITY_URL) and run the command again.", ExitCodes.Failure),
        DuckDBException ex when DuckDbSession.IsLockConflict(ex) =>
            new("error: the data folder is in use: another sync (or a DuckDB client) holds warehouse.duckdb. Wait for it to finish, or pass another --data-dir.", ExitCodes.Failure),
        SqliteException { SqliteErrorCode: 5 or 6 } => // SQLITE_BUSY, SQLITE_LOCKED
            new("error: the data folder is in use by another process (state.db is locked). Wait for it to finish, or pass another --data-dir.", ExitCodes.Failure),
        SqliteException { SqliteErrorCode: 8 or 14 } ex => // SQLITE_READONLY, SQLITE_CANTOPEN
            new($"error: the data folder cannot be written ({OneLine(ex.Message)}).", ExitCodes.Usage),
        UnauthorizedAccessException ex => new($"error: {OneLine(ex.Message)}", ExitCodes.Usage),
        _ => null,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
