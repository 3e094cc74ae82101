using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Cli.Local;
using XeroSync.RateLimiting;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A simulator and a local pipeline sharing one frozen clock: the demo organisation changes only when a
/// test advances time, so ground truth cannot move under a running sync.
/// </summary>
internal sealed class LocalDemoEnvironment : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Calls a minute the frozen environment's Xero allows (and the pipeline is told). A frozen clock never lets a
    /// minute pass, so a sync needing more calls than one minute allows would wait forever: a full sync of a demo
    /// organisation makes 54 list calls plus one by-id call per budget and per contact group (64). The real-time
    /// environment, the cloud tests and the rate-limit tests keep Xero's 60.
    /// </summary>
    public const int FrozenPerMinuteLimit = 120;

    private readonly TempDirectory _data = new();

    private readonly FakeTimeProvider? _fake;

    private LocalDemoEnvironment(XeroSimulatorHost simulator, TimeProvider time)
    {
        Simulator = simulator;
        Time = time;
        _fake = time as FakeTimeProvider;
    }

    public XeroSimulatorHost Simulator { get; }

    public SimulatorState Truth => Simulator.State;

    /// <summary>The frozen clock (only for environments started with <see cref="StartAsync"/>).</summary>
    public FakeTimeProvider Clock => _fake ?? throw new InvalidOperationException("This environment runs on a real-time clock.");

    /// <summary>The clock shared by the simulator and the pipeline.</summary>
    public TimeProvider Time { get; }

    public string DataDirectory => _data.Path;

    public static async Task<LocalDemoEnvironment> StartAsync(int tenants, CancellationToken cancellationToken, Func<SimulatorOptions, SimulatorOptions>? configure = null)
    {
        var clock = new FakeTimeProvider(Start);
        var options = new SimulatorOptions { Clock = clock, Seed = 11, Tenants = tenants, CreatedAt = Start, PerMinuteLimit = FrozenPerMinuteLimit };
        var simulator = await XeroSimulatorHost.StartAsync(configure?.Invoke(options) ?? options, cancellationToken);
        return new LocalDemoEnvironment(simulator, clock);
    }

    /// <summary>
    /// A simulator on a real-time clock (starting at <see cref="Start"/>): for faults with delays, which a
    /// frozen clock would never let elapse. Changes are off, so ground truth stays put.
    /// </summary>
    public static async Task<LocalDemoEnvironment> StartRealTimeAsync(int tenants, CancellationToken cancellationToken, Func<SimulatorOptions, SimulatorOptions>? configure = null)
    {
        var clock = AdjustableTimeProvider.StartingAt(Start);
        var options = new SimulatorOptions { Clock = clock, Seed = 11, Tenants = tenants, CreatedAt = Start, ChangesPerMinute = 0 };
        var simulator = await XeroSimulatorHost.StartAsync(configure?.Invoke(options) ?? options, cancellationToken);
        return new LocalDemoEnvironment(simulator, clock);
    }

    /// <param name="loggers">Where the pipeline logs (a test's capture); default: nowhere, or the console with XEROSYNC_TEST_LOG=1.</param>
    public LocalPipeline CreatePipeline(Func<LocalPipelineSettings, LocalPipelineSettings>? configure = null, ILoggerFactory? loggers = null)
    {
        var settings = new LocalPipelineSettings(DataDirectory, new XeroOptions
        {
            ApiUrl = Simulator.BaseUrl,
            IdentityUrl = Simulator.BaseUrl,
            ClientId = Simulator.State.Options.ClientId,
            ClientSecret = Simulator.State.Options.ClientSecret,
        })
        {
            // The limit the simulated organisation enforces (Xero's 60 unless the environment froze time).
            RateLimits = new RateLimitOptions { PerMinute = Simulator.State.Options.PerMinuteLimit },
        };
        loggers ??= Environment.GetEnvironmentVariable("XEROSYNC_TEST_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
            : NullLoggerFactory.Instance;
        return new LocalPipeline(configure?.Invoke(settings) ?? settings, loggers, Time);
    }

    public WarehouseReader OpenWarehouse() => new(Path.Combine(DataDirectory, "warehouse.duckdb"));

    /// <summary>
    /// Asserts every latest view equals the simulator's current records, payload bytes included, for every endpoint
    /// the simulator serves. With <paramref name="noRawDuplicates"/>, the raw table must hold each record exactly once
    /// too (a single full run; README says where raw duplicates can appear).
    /// </summary>
    public void AssertViewsEqualTruth(bool noRawDuplicates = false, IReadOnlyCollection<string>? only = null) =>
        AssertViewsEqualTruth(Truth, Path.Combine(DataDirectory, "warehouse.duckdb"), noRawDuplicates, only);

    /// <summary>
    /// Asserts every latest view of the warehouse file (or those of the endpoints in <paramref name="only"/>) equals the
    /// simulator's current records, payload bytes included, and each detail table what its by-id calls serve.
    /// </summary>
    public static void AssertViewsEqualTruth(SimulatorState truth, string warehousePath, bool noRawDuplicates = false, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        using var warehouse = new WarehouseReader(warehousePath);
        var endpoints = truth.Endpoints.Where(e => only is null || only.Contains(e)).ToList();
        foreach (var endpoint in endpoints)
        {
            var table = SimulatorTruth.TableName(endpoint);
            var expected = new Dictionary<(string, string), string>();
            foreach (var tenant in truth.Tenants)
            {
                foreach (var (id, json) in truth.GetRecords(tenant.TenantId, endpoint))
                {
                    expected[(tenant.TenantId, id)] = json;
                }
            }

            var actual = warehouse.Latest(table);
            Assert.True(expected.Count == actual.Count, $"xero.{table}: {actual.Count} rows, simulator has {expected.Count}");
            foreach (var (key, json) in expected)
            {
                Assert.True(actual.TryGetValue(key, out var payload), $"xero.{table} lacks {key}");
                Assert.True(json == payload, $"xero.{table} {key}: payload differs from what the simulator sent");
            }

            if (noRawDuplicates)
            {
                Assert.Equal(expected.Count, warehouse.Scalar($"SELECT count(*) FROM xero_raw.{table}"));
            }
        }

        foreach (var endpoint in endpoints.Where(e => SimulatorTruth.HasDetails(truth, e)))
        {
            AssertDetailsEqualTruth(truth, warehouse, endpoint);
        }
    }

    /// <summary>
    /// Every raw row counted, and each a version of its record the simulator served. After a kill and a rerun a raw table
    /// may hold a record more than once (a page fetched again, a load's committed pieces): what it may never hold is a
    /// payload Xero did not send. With changes off (asserted) the one version of a record the simulator served is the one
    /// it holds now: the list call's form in the raw table, the by-id call's in its detail table. Returns, per table with
    /// rows, "table raw/records" for the test's output.
    /// </summary>
    public static string AssertRawRowsServed(SimulatorState truth, string warehousePath)
    {
        ArgumentNullException.ThrowIfNull(truth);
        Assert.True(truth.Changes.Count == 0, $"{truth.Changes.Count} changes made: a record's earlier versions are no longer known");
        using var warehouse = new WarehouseReader(warehousePath);
        var counts = new List<string>();
        foreach (var endpoint in truth.Endpoints)
        {
            Check(SimulatorTruth.TableName(endpoint), tenant => truth.GetRecords(tenant, endpoint));
            if (SimulatorTruth.HasDetails(truth, endpoint))
            {
                Check(SimulatorTruth.DetailTableName(endpoint), tenant => truth.GetRecordDetails(tenant, endpoint));
            }
        }

        return string.Join(", ", counts);

        void Check(string table, Func<string, IReadOnlyDictionary<string, string>> served)
        {
            var versions = truth.Tenants.ToDictionary(t => t.TenantId, t => served(t.TenantId), StringComparer.Ordinal);
            var records = versions.Values.Sum(v => v.Count);
            var rows = warehouse.Exists("xero_raw", table, "BASE TABLE")
                ? warehouse.Query($"SELECT tenant_id, record_id, payload::VARCHAR FROM xero_raw.{table}").Rows
                : [];
            foreach (var row in rows)
            {
                var (tenant, id, payload) = ((string)row[0]!, (string)row[1]!, (string)row[2]!);
                Assert.True(
                    versions.TryGetValue(tenant, out var ofTenant) && ofTenant.TryGetValue(id, out var json) && json == payload,
                    $"xero_raw.{table} ({tenant}, {id}): a payload the simulator never served for that record");
            }

            Assert.True(rows.Count >= records, $"xero_raw.{table}: {rows.Count} raw rows for {records} records");
            if (records > 0)
            {
                counts.Add($"{table} {rows.Count}/{records}");
            }
        }
    }

    /// <summary>The detail table's latest view (budgets with lines, groups with members) equals what the simulator's by-id call serves now.</summary>
    private static void AssertDetailsEqualTruth(SimulatorState truth, WarehouseReader warehouse, string endpoint)
    {
        var table = SimulatorTruth.DetailTableName(endpoint);
        var expected = new Dictionary<(string, string), string>();
        foreach (var tenant in truth.Tenants)
        {
            foreach (var (id, json) in truth.GetRecordDetails(tenant.TenantId, endpoint))
            {
                expected[(tenant.TenantId, id)] = json;
            }
        }

        var actual = warehouse.Latest(table);
        Assert.True(expected.Count == actual.Count, $"xero.{table}: {actual.Count} rows, the simulator's by-id calls serve {expected.Count}");
        foreach (var (key, json) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var payload), $"xero.{table} lacks {key}");
            Assert.True(json == payload, $"xero.{table} {key}: payload differs from what GET /{endpoint}/{{id}} served");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        _data.Dispose();
    }
}
