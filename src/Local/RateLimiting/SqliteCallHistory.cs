using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using XeroSync.Ledger.Local;
using XeroSync.Xero;

namespace XeroSync.RateLimiting;

/// <summary>
/// The local limiter's memory, kept in the state database so it outlives the process: every Xero call
/// (reserved before it is sent, completed when its response has been read), the usage Xero reported
/// through its remaining counts, and each tenant's pauses and day budget. A new process, or a second
/// limiter on the same file, therefore counts the calls of the last minute (and of the day) of every
/// tenant that were made before it started. Decisions happen inside one <c>BEGIN IMMEDIATE</c>
/// transaction, so two limiters on one file reserve as one.
/// </summary>
/// <remarks>
/// A call is in flight until its completion is recorded. A call whose owner died (killed process) never
/// completes: it is treated as completed when another limiter notices, which is never earlier than its
/// real completion, so the minute window can only over-count.
/// </remarks>
internal sealed class SqliteCallHistory
{
    /// <summary>A call can be held no longer than this, even if its owner's death went unnoticed (pid reuse).</summary>
    internal static readonly TimeSpan MaxCallDuration = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MinuteWindow = TimeSpan.FromMinutes(1);

    /// <summary>Calls are kept this long so the day budget can be counted down after a restart.</summary>
    private static readonly TimeSpan Retention = TimeSpan.FromHours(25);

    /// <summary>All slots held by calls still in flight: check again shortly.</summary>
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(50);

    private const string AppKey = "";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS limiter_calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            owner TEXT,
            owner_pid INTEGER,
            owner_started INTEGER,
            reserved_at INTEGER NOT NULL,
            completed_at INTEGER,
            sent_seq INTEGER,
            answered INTEGER NOT NULL DEFAULT 0,
            subtracted INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS limiter_calls_tenant ON limiter_calls (tenant_id, reserved_at);
        CREATE INDEX IF NOT EXISTS limiter_calls_completed ON limiter_calls (completed_at);
        CREATE TABLE IF NOT EXISTS limiter_budgets (
            tenant_id TEXT PRIMARY KEY,
            paused_until INTEGER NOT NULL DEFAULT 0,
            deferred_until INTEGER,
            day_exhausted INTEGER NOT NULL DEFAULT 0,
            day_remaining INTEGER,
            day_observed_at INTEGER,
            day_raw INTEGER,
            day_raw_at INTEGER);
        -- day_observed_at: the last limiter_calls.sent_seq when day_remaining was read from Xero.
        -- sent_seq: the order in which the calls' requests went out (null: reserved, not sent yet).
        -- answered: the call's own response has been read. subtracted: the call was sent and unanswered when day_remaining
        -- was read, so it was taken off Xero's count (which may not have included it).
        -- day_raw, day_raw_at: Xero's lowest X-DayLimit-Remaining of the day so far, and when it was read.
        """;

    /// <summary>Columns a state database written by an earlier version lacks: (table, column, how to add and fill it).</summary>
    private static readonly (string Table, string Column, string Add)[] AddedColumns =
    [
        // Its calls count as sent when reserved.
        ("limiter_calls", "sent_seq", "ALTER TABLE limiter_calls ADD COLUMN sent_seq INTEGER; UPDATE limiter_calls SET sent_seq = id"),
        ("limiter_calls", "answered", "ALTER TABLE limiter_calls ADD COLUMN answered INTEGER NOT NULL DEFAULT 0"),
        ("limiter_calls", "subtracted", "ALTER TABLE limiter_calls ADD COLUMN subtracted INTEGER NOT NULL DEFAULT 0"),
        ("limiter_budgets", "day_raw", "ALTER TABLE limiter_budgets ADD COLUMN day_raw INTEGER"),
        ("limiter_budgets", "day_raw_at", "ALTER TABLE limiter_budgets ADD COLUMN day_raw_at INTEGER"),
    ];

    /// <summary>The tenant's calls reserved and not completed (sent or not).</summary>
    private const string InFlightCalls = "SELECT COUNT(*) FROM limiter_calls WHERE tenant_id = $tenant AND kind = 'call' AND completed_at IS NULL";

    /// <summary>The next place in the order of requests sent.</summary>
    private const string NextSent = "(SELECT COALESCE(MAX(sent_seq), 0) + 1 FROM limiter_calls)";

    private readonly SqliteStateDatabase _database;
    private readonly string _owner;
    private readonly int _ownerPid;
    private readonly long _ownerStarted;
    private readonly Lock _schemaGate = new();
    private volatile bool _schemaReady;

    public SqliteCallHistory(SqliteStateDatabase database)
        : this(database, Environment.ProcessId, ProcessStartTicks(Environment.ProcessId) ?? 0)
    {
    }

    /// <summary>For tests that play a process which has since died: the owner's pid and start time.</summary>
    internal SqliteCallHistory(SqliteStateDatabase database, int ownerPid, long ownerStartedTicks)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _ownerPid = ownerPid;
        _ownerStarted = ownerStartedTicks;
        _owner = string.Create(CultureInfo.InvariantCulture, $"{ownerPid}/{Guid.NewGuid():N}");
    }

    /// <summary>Reserves a call for the tenant if every limit allows it now; the reservation is durable when this returns.</summary>
    public async Task<Reservation> TryReserveAsync(string tenantId, DateTimeOffset now, RateLimitOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var at = now.UtcTicks;
        await ReleaseDeadOwnersAsync(connection, transaction, at, cancellationToken);
        await PruneAsync(connection, transaction, at, cancellationToken);

        var budget = await ReadBudgetAsync(connection, transaction, tenantId, cancellationToken);
        if (await DayDenialAsync(connection, transaction, tenantId, budget, at, cancellationToken) is { } dayDenial)
        {
            await transaction.CommitAsync(cancellationToken);
            return dayDenial;
        }

        var app = await ReadBudgetAsync(connection, transaction, AppKey, cancellationToken);
        var wait = Max(TimeSpan.FromTicks(Math.Max(budget.PausedUntil, app.PausedUntil) - at), TimeSpan.Zero);
        var why = wait > TimeSpan.Zero ? PermitWaitReason.Paused : PermitWaitReason.None;
        var tenantWait = await TimeUntilFreeAsync(connection, transaction, TenantWindow, tenantId, limits.PerMinute, at, cancellationToken);
        (wait, why) = tenantWait > wait ? (tenantWait, PermitWaitReason.MinuteBudget) : (wait, why);
        var appWait = await TimeUntilFreeAsync(connection, transaction, AppWindow, null, limits.AppPerMinute, at, cancellationToken);
        (wait, why) = appWait > wait ? (appWait, PermitWaitReason.AppBudget) : (wait, why);
        if (wait == TimeSpan.Zero && await CountAsync(connection, transaction, InFlightCalls, tenantId, at, cancellationToken) >= limits.Concurrent)
        {
            // Another limiter on this file holds the tenant's in-flight slots.
            (wait, why) = (InFlightPoll, PermitWaitReason.InFlight);
        }

        if (wait > TimeSpan.Zero)
        {
            await transaction.CommitAsync(cancellationToken);
            return Reservation.Wait(wait, why);
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO limiter_calls (tenant_id, kind, owner, owner_pid, owner_started, reserved_at)
            VALUES ($tenant, 'call', $owner, $pid, $started, $at);
            SELECT last_insert_rowid();
            """;
        insert.Parameters.AddWithValue("$tenant", tenantId);
        insert.Parameters.AddWithValue("$owner", _owner);
        insert.Parameters.AddWithValue("$pid", _ownerPid);
        insert.Parameters.AddWithValue("$started", _ownerStarted);
        insert.Parameters.AddWithValue("$at", at);
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);
        return Reservation.Granted(id);
    }

    /// <summary>Stamps a call's completion: from then on it holds its minute slot for one more minute.</summary>
    public async Task CompleteAsync(long callId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var update = connection.CreateCommand();
        // A permit released without saying its request went out counts as sent now (it may have reached Xero).
        update.CommandText = $"UPDATE limiter_calls SET completed_at = $at, owner = NULL, sent_seq = COALESCE(sent_seq, {NextSent}) WHERE id = $id AND completed_at IS NULL";
        update.Parameters.AddWithValue("$at", completedAt.UtcTicks);
        update.Parameters.AddWithValue("$id", callId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The call's request goes out now: from here Xero may count it against the day.</summary>
    public async Task MarkSentAsync(long callId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE limiter_calls SET sent_seq = {NextSent} WHERE id = $id AND sent_seq IS NULL";
        update.Parameters.AddWithValue("$id", callId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets a reserved call whose request was never sent: it holds no slot and does not count against the day.</summary>
    public async Task ForgetAsync(long callId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM limiter_calls WHERE id = $id AND completed_at IS NULL";
        delete.Parameters.AddWithValue("$id", callId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Applies what a response said about the limits (remaining counts, 429 pauses and deferrals).</summary>
    public async Task ObserveAsync(string tenantId, RateLimitObservation observation, RateLimitOptions limits, TimeSpan pause, long? callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(limits);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var now = observation.At.UtcTicks;
        await ReleaseDeadOwnersAsync(connection, transaction, now, cancellationToken);
        var budget = await ReadBudgetAsync(connection, transaction, tenantId, cancellationToken);

        // A minute 429 is handled below: it says when the window resets, which a remaining count does not.
        if (observation.MinuteRemaining is int minuteRemaining && observation.Problem != RateLimitProblem.Minute)
        {
            await AdoptUsageAsync(connection, transaction, tenantId, limits.PerMinute - minuteRemaining, limits.PerMinute, now, now, cancellationToken);
        }

        if (observation.DayRemaining is int dayRemaining)
        {
            budget = await ApplyDayAnswerAsync(connection, transaction, tenantId, budget, dayRemaining, callId, now, cancellationToken);
        }

        switch (observation.Problem)
        {
            case RateLimitProblem.Minute:
                // The window is full until Xero's reset (Retry-After), not for a whole minute from now.
                var resume = now + pause.Ticks;
                await AdoptUsageAsync(connection, transaction, tenantId, limits.PerMinute, limits.PerMinute, Math.Min(now, resume - MinuteWindow.Ticks), now, cancellationToken);
                budget = budget with { PausedUntil = Math.Max(budget.PausedUntil, resume) };
                break;
            case RateLimitProblem.Day:
                budget = budget with { DayExhausted = true, DeferredUntil = now + pause.Ticks };
                break;
            case RateLimitProblem.Concurrent:
            case RateLimitProblem.Unknown:
                budget = budget with { PausedUntil = Math.Max(budget.PausedUntil, now + pause.Ticks) };
                break;
            case RateLimitProblem.AppMinute:
            case RateLimitProblem.None:
            default:
                break;
        }

        await WriteBudgetAsync(connection, transaction, tenantId, budget, cancellationToken);

        if (observation.AppMinuteRemaining is int appRemaining)
        {
            await AdoptUsageAsync(connection, transaction, AppKey, limits.AppPerMinute - appRemaining, limits.AppPerMinute, now, now, cancellationToken);
        }

        if (observation.Problem == RateLimitProblem.AppMinute)
        {
            var app = await ReadBudgetAsync(connection, transaction, AppKey, cancellationToken);
            await WriteBudgetAsync(connection, transaction, AppKey, app with { PausedUntil = Math.Max(app.PausedUntil, now + pause.Ticks) }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Takes in Xero's X-DayLimit-Remaining from the answer to <paramref name="callId"/>. Xero counted the calls it had
    /// received: the count is its number less the calls sent and not yet answered (they may not be in it), the calls
    /// sent after this answer and the permits not sent yet. An answer read late (<see cref="DayAnswer"/>) is from a call
    /// Xero counted earlier: if that call was taken off the lower one's count, it is given back.
    /// </summary>
    private static async Task<Budget> ApplyDayAnswerAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Budget budget, int dayRemaining, long? callId, long now, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$id", (object?)callId ?? DBNull.Value);
        if (callId is not null)
        {
            command.CommandText = "UPDATE limiter_calls SET answered = 1 WHERE id = $id";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var lowestAt = budget.DayRawAt is long rawAt ? new DateTimeOffset(rawAt, TimeSpan.Zero) : (DateTimeOffset?)null;
        if (DayAnswer.IsReadLate(budget.DayRaw, lowestAt, dayRemaining, new DateTimeOffset(now, TimeSpan.Zero)))
        {
            if (callId is null || budget.DayRemaining is not int current)
            {
                return budget;
            }

            command.CommandText = "UPDATE limiter_calls SET subtracted = 0 WHERE id = $id AND subtracted = 1";
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0 ? budget with { DayRemaining = current + 1 } : budget;
        }

        command.CommandText = "UPDATE limiter_calls SET subtracted = 0 WHERE tenant_id = $tenant AND subtracted = 1";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = """
            UPDATE limiter_calls SET subtracted = 1 WHERE tenant_id = $tenant AND kind = 'call' AND completed_at IS NULL
                AND sent_seq IS NOT NULL AND answered = 0 AND id IS NOT $id
            """;
        var unanswered = await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "SELECT COALESCE(MAX(sent_seq), 0) FROM limiter_calls";
        var lastSent = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return budget with
        {
            DayRemaining = dayRemaining - unanswered,
            DayObservedAt = lastSent,
            DayExhausted = dayRemaining <= 0,
            DayRaw = dayRemaining,
            DayRawAt = now,
        };
    }

    private static string TenantWindow => "tenant_id = $tenant AND kind IN ('call', 'usage')";

    private static string AppWindow => "kind IN ('call', 'app-usage')";

    /// <summary>Zero when a slot of the window is free now; otherwise how long until one frees up.</summary>
    private static async Task<TimeSpan> TimeUntilFreeAsync(SqliteConnection connection, SqliteTransaction transaction, string filter, string? tenantId, int limit, long now, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT COUNT(*), MIN(completed_at) FROM limiter_calls
            WHERE {filter} AND (completed_at IS NULL OR completed_at > $cutoff)
            """;
        command.Parameters.AddWithValue("$tenant", (object?)tenantId ?? DBNull.Value);
        command.Parameters.AddWithValue("$cutoff", now - MinuteWindow.Ticks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetInt64(0) < limit)
        {
            return TimeSpan.Zero;
        }

        return reader.IsDBNull(1) ? InFlightPoll : TimeSpan.FromTicks(reader.GetInt64(1) + MinuteWindow.Ticks - now);
    }

    /// <summary>Records calls made elsewhere (per Xero's remaining count) as made at <paramref name="stamp"/>.</summary>
    private static async Task AdoptUsageAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, int usedAccordingToServer, int limit, long stamp, long now, CancellationToken cancellationToken)
    {
        var app = tenantId.Length == 0;
        var held = await CountAsync(
            connection,
            transaction,
            $"SELECT COUNT(*) FROM limiter_calls WHERE {(app ? AppWindow : TenantWindow)} AND (completed_at IS NULL OR completed_at > $cutoff)",
            tenantId,
            now,
            cancellationToken);
        var missing = Math.Min(usedAccordingToServer, limit) - held;
        if (missing <= 0)
        {
            return;
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO limiter_calls (tenant_id, kind, reserved_at, completed_at) VALUES ($tenant, $kind, $at, $at)";
        insert.Parameters.AddWithValue("$tenant", tenantId);
        insert.Parameters.AddWithValue("$kind", app ? "app-usage" : "usage");
        insert.Parameters.AddWithValue("$at", stamp);
        for (var i = 0; i < missing; i++)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<long> CountAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, string tenantId, long now, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$cutoff", now - MinuteWindow.Ticks);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Null when the tenant may call; otherwise until when its day budget is spent, or a short wait when calls of the
    /// tenant are still in flight (a permit not yet sent may be given back unused, and their answers say what is left).
    /// </summary>
    private static async Task<Reservation?> DayDenialAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Budget budget, long now, CancellationToken cancellationToken)
    {
        if (budget.DeferredUntil is { } until && until <= now)
        {
            budget = budget with { DeferredUntil = null, DayExhausted = false, DayRemaining = null, DayObservedAt = null, DayRaw = null, DayRawAt = null };
            await WriteBudgetAsync(connection, transaction, tenantId, budget, cancellationToken);
        }

        // A day 429 (or a count that reached zero) defers the tenant until its reset; a response to a call made before
        // it, arriving later with a remaining count, does not end that (as in the Firestore limiter).
        if (budget.DeferredUntil is { } pending && pending > now)
        {
            return Reservation.DayDenied(new DateTimeOffset(pending, TimeSpan.Zero));
        }

        var exhausted = budget.DayExhausted;
        if (!exhausted && budget is { DayRemaining: int remaining, DayObservedAt: long observedAt })
        {
            // Xero's last remaining count, less the calls reserved (by any process) since it was read.
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT COUNT(*) FROM limiter_calls WHERE tenant_id = $tenant AND kind = 'call' AND (sent_seq > $since OR (sent_seq IS NULL AND completed_at IS NULL))";
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$since", observedAt);
            exhausted = remaining - Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) <= 0;
            if (exhausted && await CountAsync(connection, transaction, InFlightCalls, tenantId, now, cancellationToken) > 0)
            {
                // Spent only by this count while calls are in flight: a permit not sent may yet be given back, and the
                // answers of those sent say what is left. Wait for them rather than defer the day.
                return Reservation.Wait(InFlightPoll, PermitWaitReason.InFlight);
            }
        }

        if (!exhausted)
        {
            return null;
        }

        // Spent by the remaining count (no 429, so no Retry-After): without a reset time the tenant would be
        // denied forever; try again after the same fallback a day 429 without Retry-After gets.
        if (budget.DeferredUntil is null)
        {
            budget = budget with { DayExhausted = true, DeferredUntil = now + InProcessRateLimiter.DayResetFallback.Ticks };
            await WriteBudgetAsync(connection, transaction, tenantId, budget, cancellationToken);
        }

        return Reservation.DayDenied(new DateTimeOffset(budget.DeferredUntil!.Value, TimeSpan.Zero));
    }

    /// <summary>Calls held by a limiter whose process is gone are completed now: they can hold no slot longer.</summary>
    private async Task ReleaseDeadOwnersAsync(SqliteConnection connection, SqliteTransaction transaction, long now, CancellationToken cancellationToken)
    {
        var dead = new List<string>();
        using (var owners = connection.CreateCommand())
        {
            owners.Transaction = transaction;
            owners.CommandText = "SELECT DISTINCT owner, owner_pid, owner_started FROM limiter_calls WHERE completed_at IS NULL AND owner IS NOT NULL AND owner <> $me";
            owners.Parameters.AddWithValue("$me", _owner);
            await using var reader = await owners.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!IsAlive(reader.GetInt32(1), reader.GetInt64(2)))
                {
                    dead.Add(reader.GetString(0));
                }
            }
        }

        using var release = connection.CreateCommand();
        release.Transaction = transaction;
        release.CommandText = """
            UPDATE limiter_calls SET completed_at = $now, owner = NULL WHERE completed_at IS NULL AND owner = $owner;
            """;
        var owner = release.Parameters.Add("$owner", SqliteType.Text);
        release.Parameters.AddWithValue("$now", now);
        foreach (var name in dead)
        {
            owner.Value = name;
            await release.ExecuteNonQueryAsync(cancellationToken);
        }

        // However its owner is doing, no call is held longer than any attempt can take.
        using var stale = connection.CreateCommand();
        stale.Transaction = transaction;
        stale.CommandText = "UPDATE limiter_calls SET completed_at = reserved_at + $max, owner = NULL WHERE completed_at IS NULL AND reserved_at < $cutoff";
        stale.Parameters.AddWithValue("$max", MaxCallDuration.Ticks);
        stale.Parameters.AddWithValue("$cutoff", now - MaxCallDuration.Ticks);
        await stale.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task PruneAsync(SqliteConnection connection, SqliteTransaction transaction, long now, CancellationToken cancellationToken)
    {
        using var prune = connection.CreateCommand();
        prune.Transaction = transaction;
        prune.CommandText = "DELETE FROM limiter_calls WHERE completed_at IS NOT NULL AND completed_at < $cutoff";
        prune.Parameters.AddWithValue("$cutoff", now - Retention.Ticks);
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Budget> ReadBudgetAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT paused_until, deferred_until, day_exhausted, day_remaining, day_observed_at, day_raw, day_raw_at FROM limiter_budgets WHERE tenant_id = $tenant";
        command.Parameters.AddWithValue("$tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new Budget(0, null, false, null, null, null, null);
        }

        return new Budget(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.GetInt64(2) != 0,
            reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6));
    }

    private static async Task WriteBudgetAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Budget budget, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO limiter_budgets (tenant_id, paused_until, deferred_until, day_exhausted, day_remaining, day_observed_at, day_raw, day_raw_at)
            VALUES ($tenant, $paused, $deferred, $exhausted, $remaining, $observed, $raw, $rawAt)
            ON CONFLICT (tenant_id) DO UPDATE SET paused_until = excluded.paused_until, deferred_until = excluded.deferred_until,
                day_exhausted = excluded.day_exhausted, day_remaining = excluded.day_remaining, day_observed_at = excluded.day_observed_at,
                day_raw = excluded.day_raw, day_raw_at = excluded.day_raw_at
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$paused", budget.PausedUntil);
        command.Parameters.AddWithValue("$deferred", (object?)budget.DeferredUntil ?? DBNull.Value);
        command.Parameters.AddWithValue("$exhausted", budget.DayExhausted ? 1 : 0);
        command.Parameters.AddWithValue("$remaining", (object?)budget.DayRemaining ?? DBNull.Value);
        command.Parameters.AddWithValue("$observed", (object?)budget.DayObservedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$raw", (object?)budget.DayRaw ?? DBNull.Value);
        command.Parameters.AddWithValue("$rawAt", (object?)budget.DayRawAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private bool IsAlive(int pid, long startedTicks)
    {
        if (pid == _ownerPid && startedTicks == _ownerStarted)
        {
            return true;
        }

        // A pid now used by another process (started at another time) is a dead owner too.
        return ProcessStartTicks(pid) is { } started && Math.Abs(started - startedTicks) < TimeSpan.TicksPerSecond;
    }

    /// <summary>When a running process started (UTC ticks), or null when there is no such process.</summary>
    internal static long? ProcessStartTicks(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        if (_schemaReady)
        {
            return connection;
        }

        try
        {
            lock (_schemaGate)
            {
                if (!_schemaReady)
                {
                    using var transaction = SqliteStateDatabase.BeginImmediate(connection);
                    using var schema = connection.CreateCommand();
                    schema.Transaction = transaction;
                    schema.CommandText = Schema;
                    schema.ExecuteNonQuery();
                    foreach (var (table, column, add) in AddedColumns)
                    {
                        schema.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
                        if (Convert.ToInt64(schema.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
                        {
                            schema.CommandText = add;
                            schema.ExecuteNonQuery();
                        }
                    }

                    transaction.Commit();
                    _schemaReady = true;
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A tenant's pauses and day budget (UTC ticks).</summary>
    /// <param name="DayObservedAt">The last call's place in the order of sending when <paramref name="DayRemaining"/> was read from Xero.</param>
    /// <param name="DayRaw">Xero's lowest X-DayLimit-Remaining of the day so far; <paramref name="DayRawAt"/> when it was read.</param>
    private sealed record Budget(long PausedUntil, long? DeferredUntil, bool DayExhausted, int? DayRemaining, long? DayObservedAt, int? DayRaw, long? DayRawAt);

    /// <summary>The outcome of <see cref="TryReserveAsync"/>: granted (with the call's id), wait, or day budget spent.</summary>
    internal readonly record struct Reservation(long? CallId, TimeSpan WaitFor, DateTimeOffset? DayDeniedUntil, PermitWaitReason Why = PermitWaitReason.None)
    {
        public static Reservation Granted(long id) => new(id, TimeSpan.Zero, null);

        public static Reservation Wait(TimeSpan wait, PermitWaitReason why) => new(null, wait, null, why);

        public static Reservation DayDenied(DateTimeOffset until) => new(null, TimeSpan.Zero, until);
    }
}
