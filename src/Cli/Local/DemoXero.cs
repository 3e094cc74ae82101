using System.Text.Json;
using XeroSync.Ledger;
using XeroSync.Xero;
using XeroSync.XeroSimulator;
using XeroSync.XeroSimulator.Webhooks;

namespace XeroSync.Cli.Local;

/// <summary>
/// <c>sync --demo</c>: the Xero simulator started in-process on loopback, with a deterministic demo
/// organisation per tenant that keeps changing over time.
/// </summary>
public sealed class DemoXero : IAsyncDisposable
{
    private readonly string _settingsPath;
    private DemoSettings _settings;

    private DemoXero(XeroSimulatorHost host, XeroOptions options, string settingsPath, DemoSettings settings)
    {
        Host = host;
        Options = options;
        _settingsPath = settingsPath;
        _settings = settings;
    }

    public XeroSimulatorHost Host { get; }

    /// <summary>Xero options pointing at the simulator, with its demo credentials.</summary>
    public XeroOptions Options { get; }

    public static async Task<DemoXero> StartAsync(string dataDirectory, int tenants, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var path = Path.Combine(dataDirectory, "demo.json");
        var settings = await LoadOrCreateAsync(dataDirectory, path, time, cancellationToken);
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
        return new DemoXero(host, options, path, settings);
    }

    /// <summary>
    /// Starts the simulator's webhooks to <paramref name="url"/>, numbered as one subscription that keeps counting across
    /// sessions, as Xero's does: from one past the last number kept in <c>demo.json</c> (each number is kept there before
    /// its payload is sent) or, for a folder whose <c>demo.json</c> kept none, past the highest sequence
    /// <paramref name="state"/> has seen.
    /// </summary>
    public async Task<WebhookSender> StartWebhooksAsync(Uri url, string key, IWebhookStateStore state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var seen = await state.UpdateSequenceAsync(s => (s, s.Highest ?? 0), cancellationToken);
        return Host.State.StartWebhooks(url, key, Math.Max(_settings.WebhookSequence, seen), SaveSequenceAsync);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private async Task SaveSequenceAsync(long last, CancellationToken cancellationToken)
    {
        _settings = _settings with { WebhookSequence = last };
        try
        {
            await WriteAsync(_settingsPath, _settings, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The webhooks go on: numbered on in this session, and the next one starts past what the receiver saw.
        }
    }

    /// <summary>Writes the settings whole (a new file moved over the old), so a kill never leaves half a file.</summary>
    private static async Task WriteAsync(string path, DemoSettings settings, CancellationToken cancellationToken)
    {
        var partial = path + ".partial";
        await File.WriteAllBytesAsync(partial, JsonSerializer.SerializeToUtf8Bytes(settings, DemoJsonContext.Default.DemoSettings), cancellationToken);
        File.Move(partial, path, overwrite: true);
    }

    private static async Task<DemoSettings> LoadOrCreateAsync(string dataDirectory, string path, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
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
        await WriteAsync(path, created, cancellationToken);
        return created;
    }
}
