namespace XeroSync.Tests.Routes;

/// <summary>One Dispatcher host for a class of hostile cases.</summary>
public sealed class DispatcherHostFixture : IAsyncLifetime
{
    private DispatcherHost? _host;

    public DispatcherHost Host => _host ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _host = await DispatcherHost.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
