using Microsoft.Data.Sqlite;
using XeroSync.Webhooks;

namespace XeroSync.Ledger.Local;

/// <summary>
/// <see cref="IWebhookStateStore"/> over the local SQLite state file: <c>webhook_sequence</c> (the highest sequence seen)
/// and <c>webhook_holes</c>, <c>webhook_activity</c> (per organisation and endpoint, how webhook events arrive: <see cref="QuietWatch"/>), and <c>webhook_sent</c> (per record, the latest event time sent for reading, kept 48 hours:
/// Xero retries a payload for 24). Each update reads and writes inside one <c>BEGIN IMMEDIATE</c> transaction, so
/// processes sharing the file take turns.
/// </summary>
public sealed class SqliteWebhookStateStore : IWebhookStateStore
{
    /// <summary>How long a record's sent time is kept: Xero retries a payload for 24 hours.</summary>
    public static readonly TimeSpan SentKept = TimeSpan.FromHours(48);

    private readonly SqliteStateDatabase _database;
    private readonly TimeProvider _time;

    public SqliteWebhookStateStore(SqliteStateDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    public async Task<T> UpdateSequenceAsync<T>(Func<SequenceState, (SequenceState State, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        long? highest = null;
        var holes = new List<SequenceHole>();
        await using (var read = Command(connection, transaction, "SELECT highest FROM webhook_sequence WHERE id = 1"))
        {
            if (await read.ExecuteScalarAsync(cancellationToken) is long value)
            {
                highest = value;
            }
        }

        await using (var read = Command(connection, transaction, "SELECT from_sequence, to_sequence, opened_at FROM webhook_holes ORDER BY from_sequence"))
        {
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                holes.Add(new SequenceHole(reader.GetInt64(0), reader.GetInt64(1), SqliteStateDatabase.ParseTime(reader.GetString(2))));
            }
        }

        var activity = new List<CategoryActivity>();
        await using (var read = Command(connection, transaction, "SELECT tenant_id, endpoint, last_event, gaps, usual_gap_ms, triggered FROM webhook_activity ORDER BY tenant_id, endpoint"))
        {
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                activity.Add(new CategoryActivity(reader.GetString(0), reader.GetString(1), SqliteStateDatabase.ParseTime(reader.GetString(2)), reader.GetInt32(3), TimeSpan.FromMilliseconds(reader.GetInt64(4)), reader.GetInt64(5) != 0));
            }
        }

        var (state, result) = decide(new SequenceState(highest, holes) { Activity = activity });
        await using (var write = Command(connection, transaction, """
            INSERT INTO webhook_sequence (id, highest) VALUES (1, $highest) ON CONFLICT (id) DO UPDATE SET highest = excluded.highest;
            DELETE FROM webhook_holes;
            DELETE FROM webhook_activity;
            """))
        {
            write.Parameters.AddWithValue("$highest", state.Highest is { } h ? h : DBNull.Value);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var hole in state.Holes)
        {
            await using var insert = Command(connection, transaction, "INSERT INTO webhook_holes (from_sequence, to_sequence, opened_at) VALUES ($from, $to, $opened)");
            insert.Parameters.AddWithValue("$from", hole.From);
            insert.Parameters.AddWithValue("$to", hole.To);
            insert.Parameters.AddWithValue("$opened", SqliteStateDatabase.FormatTime(hole.OpenedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var a in state.Activity)
        {
            await using var insert = Command(connection, transaction, "INSERT INTO webhook_activity (tenant_id, endpoint, last_event, gaps, usual_gap_ms, triggered) VALUES ($tenant, $endpoint, $last, $gaps, $usual, $triggered)");
            insert.Parameters.AddWithValue("$tenant", a.TenantId);
            insert.Parameters.AddWithValue("$endpoint", a.Endpoint);
            insert.Parameters.AddWithValue("$last", SqliteStateDatabase.FormatTime(a.LastEvent));
            insert.Parameters.AddWithValue("$gaps", a.Gaps);
            insert.Parameters.AddWithValue("$usual", (long)a.UsualGap.TotalMilliseconds);
            insert.Parameters.AddWithValue("$triggered", a.Triggered ? 1 : 0);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<T> UpdateSentAsync<T>(IReadOnlyList<SentRecord> records, Func<IReadOnlyDictionary<SentRecord, DateTimeOffset>, (IReadOnlyDictionary<SentRecord, DateTimeOffset?> Writes, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decide);
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await using (var prune = Command(connection, transaction, "DELETE FROM webhook_sent WHERE expires_at < $now"))
        {
            prune.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(now));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        var sent = new Dictionary<SentRecord, DateTimeOffset>();
        foreach (var record in records.Distinct())
        {
            await using var read = Command(connection, transaction, "SELECT sent_up_to FROM webhook_sent WHERE tenant_id = $tenant AND endpoint = $endpoint AND record_id = $record");
            AddKey(read, record);
            if (await read.ExecuteScalarAsync(cancellationToken) is string upTo)
            {
                sent[record] = SqliteStateDatabase.ParseTime(upTo);
            }
        }

        var (writes, result) = decide(sent);
        foreach (var (record, upTo) in writes)
        {
            await using var write = Command(connection, transaction, upTo is null
                ? "DELETE FROM webhook_sent WHERE tenant_id = $tenant AND endpoint = $endpoint AND record_id = $record"
                : """
                  INSERT INTO webhook_sent (tenant_id, endpoint, record_id, sent_up_to, expires_at) VALUES ($tenant, $endpoint, $record, $upTo, $expires)
                  ON CONFLICT (tenant_id, endpoint, record_id) DO UPDATE SET sent_up_to = excluded.sent_up_to, expires_at = excluded.expires_at
                  """);
            AddKey(write, record);
            if (upTo is { } time)
            {
                write.Parameters.AddWithValue("$upTo", SqliteStateDatabase.FormatTime(time));
                write.Parameters.AddWithValue("$expires", SqliteStateDatabase.FormatTime(now + SentKept));
            }

            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddKey(SqliteCommand command, SentRecord record)
    {
        command.Parameters.AddWithValue("$tenant", record.TenantId);
        command.Parameters.AddWithValue("$endpoint", record.Endpoint);
        command.Parameters.AddWithValue("$record", record.RecordId);
    }
}
