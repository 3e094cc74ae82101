using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Dispatcher.Local;
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
        var options = new SimulatorOptions { Clock = clock, Seed = 11, Tenants = tenants, CreatedAt = Start };
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
        });
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
    public void AssertViewsEqualTruth(bool noRawDuplicates = false) => AssertViewsEqualTruth(Truth, Path.Combine(DataDirectory, "warehouse.duckdb"), noRawDuplicates);

    /// <summary>Asserts every latest view of the warehouse file equals the simulator's current records, payload bytes included.</summary>
    public static void AssertViewsEqualTruth(SimulatorState truth, string warehousePath, bool noRawDuplicates = false)
    {
        ArgumentNullException.ThrowIfNull(truth);
        using var warehouse = new WarehouseReader(warehousePath);
        foreach (var endpoint in truth.Endpoints)
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
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        _data.Dispose();
    }
}
