using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using XeroSync.Xero;

namespace XeroSync.Ledger.Local;

/// <summary>
/// <see cref="IRunLedger"/> over the local SQLite state file. Every read-modify-write runs in one
/// <c>BEGIN IMMEDIATE</c> transaction, so concurrent threads and processes serialise on it; the endpoint's
/// state is aggregated from its page and manifest rows (indexed by the endpoint key), so it can never drift.
/// </summary>
public sealed class SqliteRunLedger : IRunLedger
{
    private const string PageColumns =
        "run_id, tenant_id, endpoint, page, status, records, object_name, page_offset, next_offset, is_last, error, manifest_sequence, updated_at, lease_owner, lease_expires";

    private const string EndpointKeyFilter = "run_id = $run AND tenant_id = $tenant AND endpoint = $endpoint";

    private static readonly string Pending = nameof(PageStatus.Pending);
    private static readonly string Done = nameof(PageStatus.Done);

    private readonly SqliteStateDatabase _database;
    private readonly TimeProvider _time;

    public SqliteRunLedger(SqliteStateDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    public async Task CreateRunAsync(RunInfo run, IReadOnlyList<EndpointOpening> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoints);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await using (var command = Command(connection, transaction, """
            INSERT INTO ledger_runs (run_id, started_at, tenants, endpoints, full)
            VALUES ($run, $started, $tenants, $endpoints, $full)
            ON CONFLICT (run_id) DO NOTHING
            """))
        {
            command.Parameters.AddWithValue("$run", run.RunId);
            command.Parameters.AddWithValue("$started", SqliteStateDatabase.FormatTime(run.StartedAt));
            command.Parameters.AddWithValue("$tenants", JsonSerializer.Serialize(run.Tenants, LedgerJsonContext.Default.IReadOnlyListString));
            command.Parameters.AddWithValue("$endpoints", JsonSerializer.Serialize(run.Endpoints, LedgerJsonContext.Default.IReadOnlyListString));
            command.Parameters.AddWithValue("$full", run.Full ? 1 : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (run.Reconcile is { } plan)
        {
            await using var command = Command(connection, transaction, "INSERT INTO ledger_reconcile (run_id, plan) VALUES ($run, $plan) ON CONFLICT (run_id) DO NOTHING");
            command.Parameters.AddWithValue("$run", run.RunId);
            command.Parameters.AddWithValue("$plan", JsonSerializer.Serialize(plan, ReconcileJsonContext.Default.ReconcilePlan));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (run.Targeted)
        {
            await using var command = Command(connection, transaction, "INSERT INTO ledger_targeted (run_id) VALUES ($run) ON CONFLICT (run_id) DO NOTHING");
            command.Parameters.AddWithValue("$run", run.RunId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var opening in endpoints)
        {
            var key = new EndpointKey(run.RunId, opening.TenantId, opening.Endpoint);
            await using (var command = Command(connection, transaction, """
                INSERT INTO ledger_endpoints (run_id, tenant_id, endpoint, last_page) VALUES ($run, $tenant, $endpoint, $last)
                ON CONFLICT DO NOTHING
                """))
            {
                AddKey(command, key);
                command.Parameters.AddWithValue("$last", opening.SingleCall ? 1 : DBNull.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await InsertMissingPageAsync(connection, transaction, key, new PendingPage(1, opening.FirstOffset), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT r.run_id, r.started_at, r.tenants, r.endpoints, r.full, c.plan, t.run_id FROM ledger_runs r LEFT JOIN ledger_reconcile c ON c.run_id = r.run_id LEFT JOIN ledger_targeted t ON t.run_id = r.run_id WHERE r.run_id = $run");
        command.Parameters.AddWithValue("$run", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT r.run_id, r.started_at, r.tenants, r.endpoints, r.full, c.plan, t.run_id FROM ledger_runs r LEFT JOIN ledger_reconcile c ON c.run_id = r.run_id LEFT JOIN ledger_targeted t ON t.run_id = r.run_id ORDER BY r.started_at DESC, r.run_id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public async Task<PageClaim> ClaimPageAsync(EndpointKey key, int page, long? offset, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var existing = await ReadPageAsync(connection, transaction, key, page, cancellationToken);
        if (existing is { Status: PageStatus.Done })
        {
            return new PageClaim(PageClaimKind.AlreadyDone, existing);
        }

        if (existing is null && await ReadLastPageAsync(connection, transaction, key, cancellationToken) is int last && page > last)
        {
            return new PageClaim(PageClaimKind.BeyondEnd, null);
        }

        if (existing is { LeaseOwner: { } holder, LeaseExpiresAt: { } until } && holder != owner && until > now)
        {
            return new PageClaim(PageClaimKind.HeldElsewhere, existing, until);
        }

        await EnsureEndpointAsync(connection, transaction, key, cancellationToken);
        await using (var command = Command(connection, transaction, $"""
            INSERT INTO ledger_pages (run_id, tenant_id, endpoint, page, status, page_offset, updated_at, lease_owner, lease_expires)
            VALUES ($run, $tenant, $endpoint, $page, '{Pending}', $offset, $now, $owner, $expires)
            ON CONFLICT (run_id, tenant_id, endpoint, page) DO UPDATE SET
                status = '{Pending}',
                page_offset = coalesce(ledger_pages.page_offset, excluded.page_offset),
                error = NULL,
                updated_at = excluded.updated_at,
                lease_owner = excluded.lease_owner,
                lease_expires = excluded.lease_expires
            """))
        {
            AddKey(command, key);
            command.Parameters.AddWithValue("$page", page);
            command.Parameters.AddWithValue("$offset", (object?)offset ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(now));
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$expires", SqliteStateDatabase.FormatTime(now + lease));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var claimed = await ReadPageAsync(connection, transaction, key, page, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PageClaim(PageClaimKind.Claimed, claimed);
    }

    public async Task<bool> RenewPageAsync(EndpointKey key, int page, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            UPDATE ledger_pages SET lease_expires = $expires
            WHERE {EndpointKeyFilter} AND page = $page AND lease_owner = $owner AND status = '{Pending}'
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$page", page);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$expires", SqliteStateDatabase.FormatTime(_time.GetUtcNow() + lease));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task ReleasePageAsync(EndpointKey key, int page, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            UPDATE ledger_pages SET lease_owner = NULL, lease_expires = NULL
            WHERE {EndpointKeyFilter} AND page = $page AND lease_owner = $owner
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$page", page);
        command.Parameters.AddWithValue("$owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PageRecord> RecordPageDoneAsync(PageDone page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        var key = page.Key;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, key, cancellationToken);
        await using (var command = Command(connection, transaction, $"""
            INSERT INTO ledger_pages ({PageColumns})
            VALUES ($run, $tenant, $endpoint, $page, '{Done}', $records, $object, $offset, $next, $last, NULL, NULL, $now, NULL, NULL)
            ON CONFLICT (run_id, tenant_id, endpoint, page) DO UPDATE SET
                status = '{Done}',
                records = excluded.records,
                object_name = excluded.object_name,
                page_offset = coalesce(ledger_pages.page_offset, excluded.page_offset),
                next_offset = excluded.next_offset,
                is_last = excluded.is_last,
                error = NULL,
                updated_at = excluded.updated_at,
                lease_owner = NULL,
                lease_expires = NULL
            WHERE ledger_pages.status <> '{Done}'
            """))
        {
            AddKey(command, key);
            command.Parameters.AddWithValue("$page", page.Page);
            command.Parameters.AddWithValue("$records", page.Records);
            command.Parameters.AddWithValue("$object", (object?)page.ObjectName ?? DBNull.Value);
            command.Parameters.AddWithValue("$offset", (object?)page.Offset ?? DBNull.Value);
            command.Parameters.AddWithValue("$next", (object?)page.NextOffset ?? DBNull.Value);
            command.Parameters.AddWithValue("$last", page.IsLast ? 1 : 0);
            command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (page.RecordIds is { } ids)
        {
            // The ids of the record that wins (done is final: a second delivery's ids are ignored like the rest of it).
            await using var command = Command(connection, transaction, """
                INSERT INTO ledger_page_ids (run_id, tenant_id, endpoint, page, item_count, ids) VALUES ($run, $tenant, $endpoint, $page, $items, $ids)
                ON CONFLICT DO NOTHING;
                INSERT INTO ledger_verification (run_id, tenant_id, endpoint, required) VALUES ($run, $tenant, $endpoint, 1)
                ON CONFLICT (run_id, tenant_id, endpoint) DO UPDATE SET required = 1;
                """);
            AddKey(command, key);
            command.Parameters.AddWithValue("$page", page.Page);
            command.Parameters.AddWithValue("$items", (object?)page.ItemCount ?? DBNull.Value);
            command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids, LedgerJsonContext.Default.IReadOnlyListString));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (page.LastPage is int lastPage)
        {
            await using var command = Command(connection, transaction, $"UPDATE ledger_endpoints SET last_page = $last WHERE {EndpointKeyFilter} AND last_page IS NULL");
            AddKey(command, key);
            command.Parameters.AddWithValue("$last", lastPage);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (page.Calls != 0 || page.Throttles != 0)
        {
            // The calls were made whichever record wins: counted in the same transaction as the page.
            await using var command = Command(connection, transaction, $"""
                UPDATE ledger_endpoints SET calls = calls + $calls, throttles = throttles + $throttles WHERE {EndpointKeyFilter};
                INSERT INTO ledger_verification (run_id, tenant_id, endpoint, reread_calls) SELECT $run, $tenant, $endpoint, $reread WHERE $reread > 0
                ON CONFLICT (run_id, tenant_id, endpoint) DO UPDATE SET reread_calls = ledger_verification.reread_calls + excluded.reread_calls;
                """);
            AddKey(command, key);
            command.Parameters.AddWithValue("$calls", page.Calls);
            command.Parameters.AddWithValue("$throttles", page.Throttles);
            command.Parameters.AddWithValue("$reread", page.Reread ? page.Calls : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await AddUsageAsync(connection, transaction, key, new XeroUsage(page.Calls, page.BytesReceived, page.BytesDecoded), cancellationToken);
        // Asked of the state the write made, read in the same transaction: this transaction read nothing of the endpoint
        // before its write (the write is an upsert), so there is no earlier state to compute it from, and the rule stays in
        // EndpointState rather than restated in SQL.
        if (page.Page == 1 && page.RecordIds is null && (await ReadStateAsync(connection, transaction, key, cancellationToken)).ClaimsManifestWithItsPage)
        {
            await ClaimNextManifestAsync(connection, transaction, key, 0, _time.GetUtcNow(), cancellationToken);
        }

        var stored = await ReadPageAsync(connection, transaction, key, page.Page, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored!;
    }

    public async Task RecordPageEndedAsync(EndpointKey key, int page, long? offset, PageStatus status, string reason, XeroUsage? usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        if (status is not (PageStatus.Failed or PageStatus.Deferred or PageStatus.NotEntitled))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A page ends failed, deferred or not entitled.");
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, key, cancellationToken);
        await using (var command = Command(connection, transaction, $"""
            INSERT INTO ledger_pages (run_id, tenant_id, endpoint, page, status, page_offset, error, updated_at)
            VALUES ($run, $tenant, $endpoint, $page, $status, $offset, $error, $now)
            ON CONFLICT (run_id, tenant_id, endpoint, page) DO UPDATE SET
                status = excluded.status,
                page_offset = coalesce(ledger_pages.page_offset, excluded.page_offset),
                error = excluded.error,
                updated_at = excluded.updated_at,
                lease_owner = NULL,
                lease_expires = NULL
            WHERE ledger_pages.status <> '{Done}'
            """))
        {
            AddKey(command, key);
            command.Parameters.AddWithValue("$page", page);
            command.Parameters.AddWithValue("$status", status.ToString());
            command.Parameters.AddWithValue("$offset", (object?)offset ?? DBNull.Value);
            command.Parameters.AddWithValue("$error", reason);
            command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (usage is not null)
        {
            await AddUsageAsync(connection, transaction, key, usage, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordUsageAsync(EndpointKey key, XeroUsage usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(usage);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await AddUsageAsync(connection, transaction, key, usage, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Adds calls and bytes to the endpoint's usage of today (UTC), in the caller's transaction.</summary>
    private async Task AddUsageAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, XeroUsage usage, CancellationToken cancellationToken)
    {
        if (usage.IsEmpty)
        {
            return;
        }

        await using var command = Command(connection, transaction, """
            INSERT INTO ledger_usage (run_id, tenant_id, endpoint, day, calls, bytes_received, bytes_decoded)
            VALUES ($run, $tenant, $endpoint, $day, $calls, $received, $decoded)
            ON CONFLICT (run_id, tenant_id, endpoint, day) DO UPDATE SET
                calls = ledger_usage.calls + excluded.calls,
                bytes_received = ledger_usage.bytes_received + excluded.bytes_received,
                bytes_decoded = ledger_usage.bytes_decoded + excluded.bytes_decoded
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$day", DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$calls", usage.Calls);
        command.Parameters.AddWithValue("$received", usage.BytesReceived);
        command.Parameters.AddWithValue("$decoded", usage.BytesDecoded);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task OpenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pages);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, key, cancellationToken);
        foreach (var page in pages)
        {
            await InsertMissingPageAsync(connection, transaction, key, page, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ReopenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pages);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, key, cancellationToken);
        foreach (var page in pages)
        {
            await InsertMissingPageAsync(connection, transaction, key, page, cancellationToken);
            await using var command = Command(connection, transaction, $"""
                UPDATE ledger_pages SET status = '{Pending}', error = NULL, updated_at = $now,
                    page_offset = coalesce(page_offset, $offset)
                WHERE {EndpointKeyFilter} AND page = $page AND status <> '{Done}' AND status <> '{Pending}'
                """);
            AddKey(command, key);
            command.Parameters.AddWithValue("$page", page.Page);
            command.Parameters.AddWithValue("$offset", (object?)page.Offset ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PageRecord>> GetPagesAsync(EndpointKey key, int firstPage, int lastPage, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadPagesAsync(connection, null, key, "AND page BETWEEN $first AND $lastPage", cancellationToken, ("$first", firstPage), ("$lastPage", lastPage));
    }

    public async Task<IReadOnlyList<PageRecord>> GetAllPagesAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadPagesAsync(connection, null, key, null, cancellationToken);
    }

    public async Task<IdTally> TallyIdsAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT v.pass, v.pass_first_page,
                (SELECT count(DISTINCT j.value) FROM ledger_page_ids p, json_each(p.ids) j WHERE p.run_id = $run AND p.tenant_id = $tenant AND p.endpoint = $endpoint),
                (SELECT count(j.value) FROM ledger_page_ids p, json_each(p.ids) j WHERE p.run_id = $run AND p.tenant_id = $tenant AND p.endpoint = $endpoint AND p.page >= v.pass_first_page),
                (SELECT count(DISTINCT j.value) FROM ledger_page_ids p, json_each(p.ids) j WHERE p.run_id = $run AND p.tenant_id = $tenant AND p.endpoint = $endpoint AND p.page >= v.pass_first_page),
                (SELECT max(p.item_count) FROM ledger_page_ids p WHERE p.run_id = $run AND p.tenant_id = $tenant AND p.endpoint = $endpoint AND p.page >= v.pass_first_page)
            FROM (SELECT coalesce(max(pass), 0) AS pass, coalesce(max(pass_first_page), 1) AS pass_first_page FROM ledger_verification WHERE {EndpointKeyFilter}) v
            """);
        AddKey(command, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new IdTally(
            reader.GetInt32(0),
            reader.GetInt32(1),
            reader.GetInt32(2),
            reader.GetInt32(3),
            reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetInt32(5));
    }

    public async Task<int?> StartRereadAsync(EndpointKey key, int pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var state = await ReadStateAsync(connection, transaction, key, cancellationToken);
        if (!state.AwaitsVerification || state.Pass != pass || state.LastPage is not int last)
        {
            return null;
        }

        var first = last + 1;
        await using (var command = Command(connection, transaction, $"""
            UPDATE ledger_verification SET pass = $next, pass_first_page = $first WHERE {EndpointKeyFilter} AND pass = $pass;
            UPDATE ledger_endpoints SET last_page = NULL WHERE {EndpointKeyFilter};
            """))
        {
            AddKey(command, key);
            command.Parameters.AddWithValue("$pass", pass);
            command.Parameters.AddWithValue("$next", pass + 1);
            command.Parameters.AddWithValue("$first", first);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertMissingPageAsync(connection, transaction, key, new PendingPage(first), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return first;
    }

    public async Task RecordVerificationAsync(EndpointKey key, int pass, VerificationOutcome outcome, string note, CancellationToken cancellationToken)
    {
        VerificationGuard.ThrowIfInvalid(key, outcome, note);

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            UPDATE ledger_verification SET outcome = $outcome, note = $note
            WHERE {EndpointKeyFilter} AND pass = $pass AND outcome = '{nameof(VerificationOutcome.Pending)}'
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$pass", pass);
        command.Parameters.AddWithValue("$outcome", outcome.ToString());
        command.Parameters.AddWithValue("$note", note);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<EndpointState> GetEndpointAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadStateAsync(connection, null, key, cancellationToken);
    }

    public async Task<IReadOnlyList<EndpointState>> GetRunEndpointsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);

        // One snapshot of the whole run.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var keys = new List<EndpointKey>();
        await using (var command = Command(connection, transaction, "SELECT tenant_id, endpoint FROM ledger_endpoints WHERE run_id = $run ORDER BY tenant_id, endpoint"))
        {
            command.Parameters.AddWithValue("$run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(new EndpointKey(runId, reader.GetString(0), reader.GetString(1)));
            }
        }

        var states = new List<EndpointState>(keys.Count);
        foreach (var key in keys)
        {
            states.Add(await ReadStateAsync(connection, transaction, key, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return states;
    }

    public async Task<ManifestClaim?> ClaimManifestAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var state = await ReadStateAsync(connection, transaction, key, cancellationToken);
        int sequence;
        DateTimeOffset claimedAt;
        if (state.NeedsManifest)
        {
            sequence = state.ManifestsClaimed;
            claimedAt = _time.GetUtcNow();
            await ClaimNextManifestAsync(connection, transaction, key, sequence, claimedAt, cancellationToken);
        }
        else
        {
            // A claim not loaded yet: its writer may have crashed before the object existed, so hand it out again.
            var unwritten = (await ReadManifestsAsync(connection, transaction, key, cancellationToken)).FirstOrDefault(m => m.State.AwaitsLoad());
            if (unwritten is null)
            {
                return null;
            }

            sequence = unwritten.Sequence;
            claimedAt = unwritten.ClaimedAt;
        }

        var claim = await ReadClaimAsync(connection, transaction, key, sequence, claimedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claim;
    }

    /// <summary>Assigns every unlisted done page to manifest <paramref name="sequence"/>, claimed at <paramref name="claimedAt"/>.</summary>
    private static async Task ClaimNextManifestAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, int sequence, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            UPDATE ledger_pages SET manifest_sequence = $sequence WHERE {EndpointKeyFilter} AND status = '{Done}' AND manifest_sequence IS NULL;
            INSERT INTO ledger_manifests (run_id, tenant_id, endpoint, sequence, state, claimed_at, records)
            VALUES ($run, $tenant, $endpoint, $sequence, '{nameof(ManifestState.Claimed)}', $now,
                    (SELECT coalesce(sum(records), 0) FROM ledger_pages WHERE {EndpointKeyFilter} AND manifest_sequence = $sequence));
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(claimedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ManifestRecord>> GetManifestsAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadManifestsAsync(connection, null, key, cancellationToken);
    }

    public async Task<EndpointState> MarkManifestLoadedAsync(EndpointKey key, int sequence, long rows, bool watermarkAdvanced, CancellationToken cancellationToken)
    {
        await SetManifestStateAsync(key, sequence, ManifestState.Loaded, $"state IN ('{nameof(ManifestState.Claimed)}', '{nameof(ManifestState.Written)}')", rows, null, watermarkAdvanced, cancellationToken);
        return await GetEndpointAsync(key, cancellationToken);
    }

    public Task MarkManifestFailedAsync(EndpointKey key, int sequence, string reason, CancellationToken cancellationToken) =>
        SetManifestStateAsync(key, sequence, ManifestState.Failed, $"state IN ('{nameof(ManifestState.Claimed)}', '{nameof(ManifestState.Written)}')", null, reason, watermarkAdvanced: false, cancellationToken);

    public async Task MarkWatermarkAdvancedAsync(EndpointKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"UPDATE ledger_endpoints SET watermark_advanced = 1 WHERE {EndpointKeyFilter}");
        AddKey(command, key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task SetManifestStateAsync(EndpointKey key, int sequence, ManifestState state, string allowedFrom, long? rows, string? error, bool watermarkAdvanced, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        await using var connection = await _database.OpenAsync(cancellationToken);

        await using var transaction = connection.BeginTransaction();
        await using var command = Command(connection, transaction, $"""
            UPDATE ledger_manifests SET state = $state, loaded_rows = coalesce($rows, loaded_rows), error = coalesce($error, error)
            WHERE {EndpointKeyFilter} AND sequence = $sequence AND {allowedFrom}
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$state", state.ToString());
        command.Parameters.AddWithValue("$rows", (object?)rows ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        var moved = await command.ExecuteNonQueryAsync(cancellationToken) == 1;

        // The flag moves only with the manifest it came with, in the same transaction.
        if (moved && watermarkAdvanced)
        {
            await using var flag = Command(connection, transaction, $"UPDATE ledger_endpoints SET watermark_advanced = 1 WHERE {EndpointKeyFilter}");
            AddKey(flag, key);
            await flag.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<ManifestClaim> ReadClaimAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, int sequence, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        var listed = await ReadPagesAsync(connection, transaction, key, $"AND status = '{Done}' AND manifest_sequence = $sequence", cancellationToken, ("$sequence", sequence));
        var ended = await ReadPagesAsync(connection, transaction, key, $"AND status IN ('{nameof(PageStatus.Failed)}', '{nameof(PageStatus.Deferred)}')", cancellationToken);
        return new ManifestClaim(
            sequence,
            claimedAt,
            listed,
            [.. ended.Where(p => p.Status == PageStatus.Failed).Select(p => p.Page)],
            [.. ended.Where(p => p.Status == PageStatus.Deferred).Select(p => p.Page)]);
    }

    private static async Task<EndpointState> ReadStateAsync(SqliteConnection connection, SqliteTransaction? transaction, EndpointKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            SELECT last_page, calls, throttles, watermark_advanced FROM ledger_endpoints WHERE {EndpointKeyFilter};
            SELECT status, count(*), coalesce(sum(records), 0), count(*) FILTER (WHERE manifest_sequence IS NULL), max(next_offset)
            FROM ledger_pages WHERE {EndpointKeyFilter} GROUP BY status;
            SELECT state, count(*) FROM ledger_manifests WHERE {EndpointKeyFilter} GROUP BY state;
            SELECT pass, pass_first_page, required, outcome, note, reread_calls FROM ledger_verification WHERE {EndpointKeyFilter};
            SELECT swept, deletes FROM ledger_sweeps WHERE {EndpointKeyFilter};
            SELECT day, calls, bytes_received, bytes_decoded FROM ledger_usage WHERE {EndpointKeyFilter} ORDER BY day;
            """);
        AddKey(command, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int? lastPage = null;
        int calls = 0, throttles = 0;
        var advanced = false;
        if (await reader.ReadAsync(cancellationToken))
        {
            lastPage = reader.IsDBNull(0) ? null : reader.GetInt32(0);
            calls = reader.GetInt32(1);
            throttles = reader.GetInt32(2);
            advanced = reader.GetInt64(3) != 0;
        }

        await reader.NextResultAsync(cancellationToken);
        var pages = new Dictionary<PageStatus, int>();
        long records = 0;
        var unlisted = 0;
        long? maxNextOffset = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = Enum.Parse<PageStatus>(reader.GetString(0));
            pages[status] = reader.GetInt32(1);
            if (status == PageStatus.Done)
            {
                records = reader.GetInt64(2);
                unlisted = reader.GetInt32(3);
                maxNextOffset = reader.IsDBNull(4) ? null : reader.GetInt64(4);
            }
        }

        await reader.NextResultAsync(cancellationToken);
        var manifests = new Dictionary<ManifestState, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            manifests[Enum.Parse<ManifestState>(reader.GetString(0))] = reader.GetInt32(1);
        }

        await reader.NextResultAsync(cancellationToken);
        int pass = 0, passFirstPage = 1, rereadCalls = 0;
        var required = false;
        var outcome = VerificationOutcome.Pending;
        string? note = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            pass = reader.GetInt32(0);
            passFirstPage = reader.GetInt32(1);
            required = reader.GetInt64(2) != 0;
            outcome = Enum.Parse<VerificationOutcome>(reader.GetString(3));
            note = reader.IsDBNull(4) ? null : reader.GetString(4);
            rereadCalls = reader.GetInt32(5);
        }

        await reader.NextResultAsync(cancellationToken);
        long? swept = null, deletes = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            swept = reader.GetInt64(0);
            deletes = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken);
        var usage = new List<DailyUsage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            usage.Add(new DailyUsage(DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return new EndpointState(
            key.RunId,
            key.TenantId,
            key.Endpoint,
            lastPage,
            Pending: pages.GetValueOrDefault(PageStatus.Pending),
            Done: pages.GetValueOrDefault(PageStatus.Done),
            Failed: pages.GetValueOrDefault(PageStatus.Failed),
            Deferred: pages.GetValueOrDefault(PageStatus.Deferred),
            NotEntitled: pages.GetValueOrDefault(PageStatus.NotEntitled),
            Records: records,
            Unlisted: unlisted,
            ManifestsClaimed: manifests.Values.Sum(),
            ManifestsLoaded: manifests.GetValueOrDefault(ManifestState.Loaded),
            ManifestsFailed: manifests.GetValueOrDefault(ManifestState.Failed),
            MaxNextOffset: maxNextOffset,
            WatermarkAdvanced: advanced,
            Calls: calls,
            Throttles: throttles,
            Pass: pass,
            PassFirstPage: passFirstPage,
            VerificationRequired: required,
            Verification: outcome,
            VerificationNote: note,
            RereadCalls: rereadCalls)
        {
            Swept = swept,
            Deletes = deletes,
            Usage = new EndpointUsage(usage),
        };
    }

    public async Task<bool> TryReserveCallAsync(RunInfo run, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (run.Reconcile?.BudgetFor(tenantId) is not int budget)
        {
            return true;
        }

        // One statement: the row is created or incremented only while the count stays within the budget.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await using var command = Command(connection, transaction, """
            INSERT INTO ledger_call_budgets (run_id, tenant_id, reserved) SELECT $run, $tenant, 1 WHERE $budget >= 1
            ON CONFLICT (run_id, tenant_id) DO UPDATE SET reserved = reserved + 1 WHERE reserved < $budget
            """);
        command.Parameters.AddWithValue("$run", run.RunId);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$budget", budget);
        var changed = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed > 0;
    }

    public async Task<TenantReconcilePlan> RecordTenantPlanAsync(string runId, TenantReconcilePlan plan, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(plan);
        await using (var connection = await _database.OpenAsync(cancellationToken))
        {
            await using var command = Command(connection, null, "INSERT INTO ledger_tenant_plans (run_id, tenant_id, plan) VALUES ($run, $tenant, $plan) ON CONFLICT DO NOTHING");
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$tenant", plan.TenantId);
            command.Parameters.AddWithValue("$plan", JsonSerializer.Serialize(plan, ReconcileJsonContext.Default.TenantReconcilePlan));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return await GetTenantPlanAsync(runId, plan.TenantId, cancellationToken) ?? plan;
    }

    public async Task<TenantReconcilePlan?> GetTenantPlanAsync(string runId, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT plan FROM ledger_tenant_plans WHERE run_id = $run AND tenant_id = $tenant");
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) is string plan
            ? JsonSerializer.Deserialize(plan, ReconcileJsonContext.Default.TenantReconcilePlan)
            : null;
    }

    public async Task<IReadOnlyList<TenantReconcilePlan>> GetTenantPlansAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT plan FROM ledger_tenant_plans WHERE run_id = $run ORDER BY tenant_id");
        command.Parameters.AddWithValue("$run", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var plans = new List<TenantReconcilePlan>();
        while (await reader.ReadAsync(cancellationToken))
        {
            plans.Add(JsonSerializer.Deserialize(reader.GetString(0), ReconcileJsonContext.Default.TenantReconcilePlan)!);
        }

        return plans;
    }

    public async Task<int> GetReservedCallsAsync(string runId, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT reserved FROM ledger_call_budgets WHERE run_id = $run AND tenant_id = $tenant");
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$tenant", tenantId);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    public async Task RecordSweepAsync(EndpointKey key, long swept, long deletes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(swept);
        ArgumentOutOfRangeException.ThrowIfNegative(deletes);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "INSERT INTO ledger_sweeps (run_id, tenant_id, endpoint, swept, deletes) VALUES ($run, $tenant, $endpoint, $swept, $deletes) ON CONFLICT DO NOTHING");
        AddKey(command, key);
        command.Parameters.AddWithValue("$swept", swept);
        command.Parameters.AddWithValue("$deletes", deletes);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<ManifestRecord>> ReadManifestsAsync(SqliteConnection connection, SqliteTransaction? transaction, EndpointKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT sequence, state, claimed_at, records, loaded_rows, error FROM ledger_manifests WHERE {EndpointKeyFilter} ORDER BY sequence");
        AddKey(command, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var manifests = new List<ManifestRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            manifests.Add(new ManifestRecord(
                reader.GetInt32(0),
                Enum.Parse<ManifestState>(reader.GetString(1)),
                SqliteStateDatabase.ParseTime(reader.GetString(2)),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return manifests;
    }

    private static async Task<PageRecord?> ReadPageAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, int page, CancellationToken cancellationToken) =>
        (await ReadPagesAsync(connection, transaction, key, "AND page = $page", cancellationToken, ("$page", page))) is [var only] ? only : null;

    private static async Task<IReadOnlyList<PageRecord>> ReadPagesAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        EndpointKey key,
        string? filter,
        CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, $"SELECT {PageColumns} FROM ledger_pages WHERE {EndpointKeyFilter} {filter} ORDER BY page");
        AddKey(command, key);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pages = new List<PageRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pages.Add(new PageRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                Enum.Parse<PageStatus>(reader.GetString(4)),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.GetInt64(9) != 0,
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetInt32(11),
                reader.IsDBNull(12) ? null : SqliteStateDatabase.ParseTime(reader.GetString(12)),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(14) ? null : SqliteStateDatabase.ParseTime(reader.GetString(14))));
        }

        return pages;
    }

    private async Task InsertMissingPageAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, PendingPage page, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        await using var command = Command(connection, transaction, $"""
            INSERT INTO ledger_pages (run_id, tenant_id, endpoint, page, status, page_offset, updated_at)
            VALUES ($run, $tenant, $endpoint, $page, '{Pending}', $offset, $now)
            ON CONFLICT DO NOTHING
            """);
        AddKey(command, key);
        command.Parameters.AddWithValue("$page", page.Page);
        command.Parameters.AddWithValue("$offset", (object?)page.Offset ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task EnsureEndpointAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "INSERT INTO ledger_endpoints (run_id, tenant_id, endpoint) VALUES ($run, $tenant, $endpoint) ON CONFLICT DO NOTHING");
        AddKey(command, key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int?> ReadLastPageAsync(SqliteConnection connection, SqliteTransaction transaction, EndpointKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT last_page FROM ledger_endpoints WHERE {EndpointKeyFilter}");
        AddKey(command, key);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddKey(SqliteCommand command, EndpointKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        command.Parameters.AddWithValue("$run", key.RunId);
        command.Parameters.AddWithValue("$tenant", key.TenantId);
        command.Parameters.AddWithValue("$endpoint", key.Endpoint);
    }

    private static RunInfo ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        SqliteStateDatabase.ParseTime(reader.GetString(1)),
        JsonSerializer.Deserialize(reader.GetString(2), LedgerJsonContext.Default.IReadOnlyListString) ?? [],
        JsonSerializer.Deserialize(reader.GetString(3), LedgerJsonContext.Default.IReadOnlyListString) ?? [],
        reader.GetInt64(4) != 0)
    {
        Reconcile = reader.IsDBNull(5) ? null : JsonSerializer.Deserialize(reader.GetString(5), ReconcileJsonContext.Default.ReconcilePlan),
        Targeted = !reader.IsDBNull(6),
    };
}
