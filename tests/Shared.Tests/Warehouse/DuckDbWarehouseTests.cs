using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Storage;
using XeroSync.Tests.Xero;
using XeroSync.Warehouse;
using XeroSync.Warehouse.Local;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Warehouse;

public sealed class DuckDbWarehouseTests : IDisposable
{
    private static readonly XeroEndpoint Invoices = EndpointCatalog.Get("Invoices");

    private readonly TempDirectory _temp = new();
    private readonly FolderObjectStore _objects;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly string _databasePath;

    public DuckDbWarehouseTests()
    {
        _objects = new FolderObjectStore(Path.Combine(_temp.Path, "objects"));
        _databasePath = Path.Combine(_temp.Path, "warehouse.duckdb");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    /// <summary>Xero's Accounting collections (developer.xero.com/documentation/api/accounting), as snake_case table names.</summary>
    private static readonly string[] XeroTables =
    [
        "accounts", "bank_transactions", "bank_transfers", "batch_payments", "branding_themes", "budgets", "contact_groups", "contacts",
        "credit_notes", "currencies", "expense_claims", "invoices", "items", "journals", "linked_transactions", "manual_journals",
        "organisation", "overpayments", "payments", "prepayments", "purchase_orders", "quotes", "receipts", "repeating_invoices",
        "tax_rates", "tracking_categories", "users",
    ];

    [Fact(Timeout = 60_000)]
    public async Task Ensure_tables_creates_every_catalog_table_and_view_and_is_repeatable()
    {
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.EnsureTablesAsync(EndpointCatalog.All.ToList(), Ct);
            await warehouse.EnsureTablesAsync(EndpointCatalog.All.ToList(), Ct);
        }

        // One raw table per endpoint README lists (27 Accounting collections), and the load bookkeeping: _loads (finished
        // loads) and _load_pieces (their committed objects); one latest view per endpoint.
        Assert.Equal([.. XeroTables.Append("_load_pieces").Append("_loads").Order(StringComparer.Ordinal)], Names("SELECT table_name FROM information_schema.tables WHERE table_schema = 'xero_raw' AND table_type = 'BASE TABLE'"));
        Assert.Equal(XeroTables, Names("SELECT table_name FROM information_schema.tables WHERE table_schema = 'xero' AND table_type = 'VIEW'"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Table_names_outside_snake_case_are_rejected()
    {
        await using var warehouse = NewWarehouse();
        var bad = Invoices with { TableName = "invoices; DROP TABLE x" };
        await Assert.ThrowsAsync<ArgumentException>(() => warehouse.EnsureTablesAsync([bad], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => warehouse.LoadAsync(new LoadJob("j", bad, [], 0), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Loading_the_same_job_twice_loads_its_rows_once()
    {
        var page1 = await WriteObjectAsync("p1", Line("t1", "a", "2026-01-01T00:00:00Z", "r1", 1, "2026-01-02T00:00:00Z", "{\"InvoiceID\":\"a\"}"), Line("t1", "b", null, "r1", 1, "2026-01-02T00:00:00Z", "{\"InvoiceID\":\"b\"}"));
        var page2 = await WriteObjectAsync("p2", Line("t1", "c", "2026-01-01T00:00:00Z", "r1", 2, "2026-01-02T00:00:00Z", "{\"InvoiceID\":\"c\"}"));
        var logger = new FakeLogger<DuckDbWarehouse>();
        await using (var warehouse = new DuckDbWarehouse(_databasePath, _objects, _time, logger))
        {
            await warehouse.EnsureTablesAsync([Invoices], Ct);
            Assert.Equal(3, await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page1, page2], 3), Ct));
            Assert.Equal(3, await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page1, page2], 3), Ct));
        }

        await using (var reopened = NewWarehouse())
        {
            Assert.Equal(3, await reopened.LoadAsync(new LoadJob("job-1", Invoices, [page1, page2], 3), Ct));
        }

        Assert.Equal(3, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
        Assert.Equal(3, Scalar<long>("SELECT rows FROM xero_raw._loads WHERE job_id = 'job-1'"));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("already loaded", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Latest_view_keeps_the_newest_by_updated_at_then_fetched_at()
    {
        var first = await WriteObjectAsync(
            "run1",
            Line("t1", "a", "2026-01-01T00:00:00Z", "r1", 1, "2026-01-05T00:00:00Z", "{\"v\":\"a-old\"}"),
            Line("t1", "b", "2026-01-03T00:00:00Z", "r1", 1, "2026-01-05T00:00:00Z", "{\"v\":\"b-newer-updated\"}"),
            Line("t1", "c", "2026-01-01T00:00:00Z", "r1", 1, "2026-01-05T00:00:00Z", "{\"v\":\"c-earlier-fetch\"}"),
            Line("t1", "d", null, "r1", 1, "2026-01-09T00:00:00Z", "{\"v\":\"d-null-updated\"}"),
            Line("t2", "a", "2026-01-01T00:00:00Z", "r1", 1, "2026-01-05T00:00:00Z", "{\"v\":\"t2-a\"}"));
        var second = await WriteObjectAsync(
            "run2",
            Line("t1", "a", "2026-01-02T00:00:00Z", "r2", 1, "2026-01-06T00:00:00Z", "{\"v\":\"a-new\"}"),
            Line("t1", "b", "2026-01-02T00:00:00Z", "r2", 1, "2026-01-06T00:00:00Z", "{\"v\":\"b-older-updated\"}"),
            Line("t1", "c", "2026-01-01T00:00:00Z", "r2", 1, "2026-01-06T00:00:00Z", "{\"v\":\"c-later-fetch\"}"),
            Line("t1", "d", "2026-01-01T00:00:00Z", "r2", 1, "2026-01-06T00:00:00Z", "{\"v\":\"d-has-updated\"}"));
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.EnsureTablesAsync([Invoices], Ct);
            await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [first], 5), Ct);
            await warehouse.LoadAsync(new LoadJob("job-2", Invoices, [second], 4), Ct);
        }

        var rows = Query("SELECT tenant_id || '/' || record_id, payload->>'v' FROM xero.invoices ORDER BY 1");
        Assert.Equal(
            [("t1/a", "a-new"), ("t1/b", "b-newer-updated"), ("t1/c", "c-later-fetch"), ("t1/d", "d-has-updated"), ("t2/a", "t2-a")],
            rows);
        Assert.Equal(9, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Expected_rows_mismatch_rolls_back_and_a_correct_retry_loads()
    {
        var page = await WriteObjectAsync("p1", Line("t1", "a", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"), Line("t1", "b", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"));
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.EnsureTablesAsync([Invoices], Ct);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page], 3), Ct));
            Assert.Contains("expects 3", error.Message, StringComparison.Ordinal);
            Assert.Contains("read 2", error.Message, StringComparison.Ordinal);
            Assert.Equal(2, await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page], 2), Ct));
        }

        Assert.Equal(2, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_object_mid_job_leaves_none_of_the_jobs_rows()
    {
        var good = await WriteObjectAsync("good", Line("t1", "a", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"));
        var bad = await WriteObjectAsync("bad", Line("t1", "b", null, "r1", 2, "2026-01-02T00:00:00Z", "{}"), "{\"tenant_id\":\"t1\",\"record_id\":");
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.EnsureTablesAsync([Invoices], Ct);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => warehouse.LoadAsync(new LoadJob("job-1", Invoices, [good, bad], 3), Ct));
            Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<FileNotFoundException>(() => warehouse.LoadAsync(new LoadJob("job-2", Invoices, [good, "xero/missing.ndjson.gz"], 1), Ct));
        }

        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM xero_raw._loads"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_load_stopped_between_objects_shows_none_of_its_rows_and_resumes_without_duplicates()
    {
        var earlier = await WriteObjectAsync("p0", Line("t1", "z", null, "r0", 1, "2026-01-01T00:00:00Z", "{\"InvoiceID\":\"z\"}"));
        var page1 = await WriteObjectAsync("p1", Line("t1", "a", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"), Line("t1", "b", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"));
        var page2 = await WriteObjectAsync("p2", Line("t1", "c", null, "r1", 2, "2026-01-02T00:00:00Z", "{}"), Line("t1", "d", null, "r1", 2, "2026-01-02T00:00:00Z", "{}"), Line("t1", "e", null, "r1", 2, "2026-01-02T00:00:00Z", "{}"));
        var page3 = await WriteObjectAsync("p3", Line("t1", "f", null, "r1", 3, "2026-01-02T00:00:00Z", "{}"));
        var job = new LoadJob("job-1", Invoices, [page1, page2, page3], 6);
        using (var stopping = new StoppingObjectStore(_objects, page3))
        {
            await using var warehouse = new DuckDbWarehouse(_databasePath, stopping, _time, new FakeLogger<DuckDbWarehouse>());
            Assert.Equal(1, await warehouse.LoadAsync(new LoadJob("job-0", Invoices, [earlier], 1), Ct));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => warehouse.LoadAsync(job, stopping.Stop));
            Assert.Equal(1, stopping.StopsSeen);
            Assert.Equal(["z"], await warehouse.GetLiveIdsAsync("t1", Invoices, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), Ct));
        }

        // Stopped after two of three objects committed: their 5 rows are in the raw table, and no view shows them.
        Assert.Equal(1 + 5, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM xero_raw._loads WHERE job_id = 'job-1'"));
        var during = (await DuckDbQuery.RunAsync(_databasePath, "SELECT record_id FROM xero.invoices ORDER BY record_id", 100, _time, TimeSpan.Zero, Ct)).Single();
        Assert.Equal(["z"], during.Rows.Select(r => (string)r[0]!));

        await using (var resumed = NewWarehouse())
        {
            Assert.Equal(6, await resumed.LoadAsync(job, Ct));
        }

        Assert.Equal(1 + 6, Scalar<long>("SELECT count(*) FROM xero_raw.invoices"));
        Assert.Equal(1 + 6, Scalar<long>("SELECT count(DISTINCT record_id) FROM xero_raw.invoices"));
        Assert.Equal(6, Scalar<long>("SELECT rows FROM xero_raw._loads WHERE job_id = 'job-1'"));
        var after = (await DuckDbQuery.RunAsync(_databasePath, "SELECT record_id FROM xero.invoices ORDER BY record_id", 100, _time, TimeSpan.Zero, Ct)).Single();
        Assert.Equal(["a", "b", "c", "d", "e", "f", "z"], after.Rows.Select(r => (string)r[0]!));
    }

    /// <summary>
    /// A plan's estimate of a full read counts the records the latest view holds: per organisation, as many as the
    /// simulator serves once its list is loaded; a record Xero no longer has, tombstoned, drops out; rows fetched at or after
    /// the cut-off are not counted.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task Live_record_count_is_the_simulators_records_per_organisation()
    {
        await using var xero = await XeroClientHarness.StartAsync();
        var items = EndpointCatalog.Get("Items");
        var fetchedAt = xero.Clock.GetUtcNow();
        var tenants = new[] { xero.Tenant(0), xero.Tenant(1) };
        await using var warehouse = NewWarehouse();
        foreach (var tenant in tenants)
        {
            using var page = await xero.DriveAsync(new PageQuery(tenant, items, 1, null, null, null));
            using var written = PageWriter.Write(page, items, tenant, "r1", 1, fetchedAt);
            var objectName = ObjectNames.Page("r1", tenant, items, 1);
            Assert.True(await _objects.CreateIfAbsentAsync(objectName, written.Content, "application/x-ndjson", Ct));
            Assert.Equal(written.Records, await warehouse.LoadAsync(new LoadJob("items-" + tenant, items, [objectName], written.Records), Ct));
        }

        var before = fetchedAt.AddMinutes(1);
        var served = tenants.Select(t => xero.State.GetRecords(t, "Items").Count).ToArray();
        Assert.All(served, count => Assert.True(count > 1, "the simulator serves too few items for a count to mean anything"));
        Assert.Equal(served, await CountsAsync(before));
        Assert.Equal(new[] { 0, 0 }, await CountsAsync(fetchedAt));

        // Xero deletes an item outright (the simulator's hard delete): the reconcile's tombstone takes it out of the count.
        var gone = xero.State.ApplyChange(tenants[0], "Items", ChangeKind.Delete);
        var tombstones = ObjectNames.Tombstones("r2", tenants[0], items);
        Assert.True(await _objects.CreateIfAbsentAsync(tombstones, TombstoneWriter.Write(tenants[0], "r2", [gone.RecordId], fetchedAt.AddSeconds(30)), "application/x-ndjson", Ct));
        Assert.Equal(1, await warehouse.LoadAsync(new LoadJob("tombstones", items, [tombstones], 1), Ct));
        Assert.Equal(tenants.Select(t => xero.State.GetRecords(t, "Items").Count), await CountsAsync(before));
        Assert.Equal(served[0] - 1, (await CountsAsync(before))[0]);

        async Task<int[]> CountsAsync(DateTimeOffset fetchedBefore) =>
            [await warehouse.CountLiveRecordsAsync(tenants[0], items, fetchedBefore, Ct), await warehouse.CountLiveRecordsAsync(tenants[1], items, fetchedBefore, Ct)];
    }

    [Fact(Timeout = 60_000)]
    public async Task Rows_without_a_load_id_from_before_pieces_stay_visible()
    {
        // A warehouse written before loads were tagged: its raw table has no load_id column and its rows were loaded whole.
        using (var connection = new DuckDBConnection("Data Source=" + _databasePath))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE SCHEMA xero_raw;
                CREATE TABLE xero_raw.invoices (tenant_id VARCHAR NOT NULL, record_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ, run_id VARCHAR NOT NULL,
                    page INTEGER NOT NULL, fetched_at TIMESTAMPTZ NOT NULL, payload JSON NOT NULL, deleted_at TIMESTAMPTZ);
                INSERT INTO xero_raw.invoices VALUES ('t1', 'old', NULL, 'r0', 1, '2026-01-01T00:00:00Z', '{}', NULL);
                """;
            command.ExecuteNonQuery();
        }

        var page = await WriteObjectAsync("p1", Line("t1", "new", null, "r1", 1, "2026-01-02T00:00:00Z", "{}"));
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.EnsureTablesAsync([Invoices], Ct);
            Assert.Equal(1, await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page], 1), Ct));
        }

        Assert.Equal(
            [("t1/new", "t1"), ("t1/old", "t1")],
            Query("SELECT tenant_id || '/' || record_id, tenant_id FROM xero.invoices ORDER BY 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Payload_is_stored_byte_for_byte()
    {
        const string payload = "{\"InvoiceID\":\"a\",\"UnitAmount\":40.00,\"Rate\":1.000000,\"Big\":12345678901234567890.10,\"Exp\":1E+2,"
            + "\"Name\":\"Caf\\u00e9 \\\"Ltd\\\" \\n tab\\t é ü 😀 \\ud83d\\ude00\",\"Nested\":[{\"x\":null,\"y\":true},[]],\"Empty\":{}}";
        var page = await WriteObjectAsync("p1", Line("t1", "a", "2026-01-02T03:04:05.123Z", "r1", 1, "2026-01-02T03:04:06Z", payload));
        await using (var warehouse = NewWarehouse())
        {
            await warehouse.LoadAsync(new LoadJob("job-1", Invoices, [page], 1), Ct);
        }

        Assert.Equal(payload, Scalar<string>("SELECT payload::VARCHAR FROM xero_raw.invoices"));
        Assert.Equal(payload, Scalar<string>("SELECT payload::VARCHAR FROM xero.invoices"));

        // The stored text is exact; DuckDB's JSON extraction operators re-render numbers (40.00 -> 40.0), so
        // downstream SQL should cast amounts to DECIMAL rather than compare extracted text.
        Assert.Equal(40.00m, Scalar<decimal>("SELECT CAST(payload->>'UnitAmount' AS DECIMAL(18, 2)) FROM xero.invoices"));
        Assert.Equal("2026-01-02 03:04:05.123+00", Scalar<string>("SELECT updated_at::VARCHAR FROM xero.invoices"));
        Assert.Equal("2026-01-02 03:04:06+00", Scalar<string>("SELECT fetched_at::VARCHAR FROM xero.invoices"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Loads_ten_thousand_lines()
    {
        const int pages = 10;
        const int perPage = 1000;
        var names = new List<string>();
        for (var p = 1; p <= pages; p++)
        {
            names.Add(await WriteObjectAsync(
                $"page-{p}",
                Enumerable.Range(0, perPage).Select(i => Line("t1", $"rec-{p}-{i}", "2026-01-01T00:00:00Z", "r1", p, "2026-01-02T00:00:00Z", $"{{\"InvoiceID\":\"rec-{p}-{i}\",\"Total\":{i}.50,\"LineItems\":[{{\"UnitAmount\":40.00,\"Description\":\"Widget {i}\"}}]}}")).ToArray()));
        }

        await using var warehouse = NewWarehouse();
        await warehouse.EnsureTablesAsync([Invoices], Ct);
        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(pages * perPage, await warehouse.LoadAsync(new LoadJob("job-10k", Invoices, names, pages * perPage), Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Loaded {pages * perPage} lines from {pages} objects in {stopwatch.ElapsedMilliseconds} ms"));
    }

    private DuckDbWarehouse NewWarehouse() => new(_databasePath, _objects, _time, new FakeLogger<DuckDbWarehouse>());

    private static string Line(string tenant, string record, string? updatedAt, string run, int page, string fetchedAt, string payload) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"tenant_id\":\"{tenant}\",\"record_id\":\"{record}\",\"updated_at\":{(updatedAt is null ? "null" : $"\"{updatedAt}\"")},\"run_id\":\"{run}\",\"page\":{page},\"fetched_at\":\"{fetchedAt}\",\"payload\":{payload}}}");

    private async Task<string> WriteObjectAsync(string name, params string[] lines)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), Ct);
        }

        var objectName = $"xero/invoices/tenant=t1/run=r1/{name}.ndjson.gz";
        Assert.True(await _objects.CreateIfAbsentAsync(objectName, buffer.ToArray(), "application/gzip", Ct));
        return objectName;
    }

    /// <summary>The first column of every row, in ordinal order.</summary>
    private string[] Names(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=" + _databasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private T Scalar<T>(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=" + _databasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private List<(string, string)> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=" + _databasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
