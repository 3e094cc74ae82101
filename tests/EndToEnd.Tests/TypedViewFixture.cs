using XeroSync.Pipeline;

namespace XeroSync.Tests;

/// <summary>One full sync of two demo organisations, shared by the typed-view tests (they only read).</summary>
public sealed class TypedViewFixture : IAsyncLifetime
{
    private LocalDemoEnvironment? _demo;

    internal LocalDemoEnvironment Demo => _demo ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        _demo = await LocalDemoEnvironment.StartAsync(tenants: 2, timeout.Token);
        await using var pipeline = _demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest(), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }
}
