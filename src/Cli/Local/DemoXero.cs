using System.Text.Json;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Cli.Local;

/// <summary>
/// <c>sync --demo</c>: the Xero simulator started in-process on loopback, with a deterministic demo
/// organisation per tenant that keeps changing over time.
/// </summary>
public sealed class DemoXero : IAsyncDisposable
{
    private DemoXero(XeroSimulatorHost host, XeroOptions options)
    {
        Host = host;
        Options = options;
    }

    public XeroSimulatorHost Host { get; }

    /// <summary>Xero options pointing at the simulator, with its demo credentials.</summary>
    public XeroOptions Options { get; }

    public static async Task<DemoXero> StartAsync(string dataDirectory, int tenants, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var settings = await LoadOrCreateAsync(dataDirectory, time, cancellationToken);
        var simulatorOptions = new SimulatorOptions
        {
            Clock = time,
            Seed = settings.Seed,
            CreatedAt = settings.CreatedAt,
            Tenants = tenants,
        };
        var host = await XeroSimulatorHost.StartAsync(simulatorOptions, cancellationToken);
        var options = new XeroOptions
        {
            ApiUrl = host.BaseUrl,
            IdentityUrl = host.BaseUrl,
            ClientId = simulatorOptions.ClientId,
            ClientSecret = simulatorOptions.ClientSecret,
        };
        return new DemoXero(host, options);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private static async Task<DemoSettings> LoadOrCreateAsync(string dataDirectory, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "demo.json");
        if (File.Exists(path))
        {
            await using var existing = File.OpenRead(path);
            var loaded = await JsonSerializer.DeserializeAsync(existing, DemoJsonContext.Default.DemoSettings, cancellationToken);
            if (loaded is not null)
            {
                return loaded;
            }
        }

        var created = new DemoSettings(1, time.GetUtcNow());
        await File.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(created, DemoJsonContext.Default.DemoSettings), cancellationToken);
        return created;
    }
}
