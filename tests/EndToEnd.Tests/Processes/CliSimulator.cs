using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Processes;

/// <summary>
/// A simulator hosted in the test process on loopback, on a real-time clock (a child process cannot share a
/// fake one), with changes off so ground truth stays put while processes come and go. Gives the CLI its
/// environment, holds chosen calls in flight and signals when requests are answered.
/// </summary>
internal sealed class CliSimulator : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<HeldCall> _holds = [];
    private readonly List<(Func<SimulatedRequest, bool> Match, TaskCompletionSource<SimulatedRequest> Signal)> _waiters = [];

    private CliSimulator(XeroSimulatorHost host)
    {
        Host = host;
        host.State.OnServing = OnServingAsync;
        host.State.RequestLogged += OnLogged;
    }

    public XeroSimulatorHost Host { get; }

    public SimulatorState Truth => Host.State;

    /// <summary>What the CLI needs to reach this simulator as a custom connection (README "Configuration").</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["XERO_API_URL"] = Host.BaseUrl.ToString(),
        ["XERO_IDENTITY_URL"] = Host.BaseUrl.ToString(),
        ["XERO_CLIENT_ID"] = Truth.Options.ClientId,
        ["XERO_CLIENT_SECRET"] = Truth.Options.ClientSecret,
    };

    public static async Task<CliSimulator> StartAsync(int tenants, CancellationToken cancellationToken, Func<SimulatorOptions, SimulatorOptions>? configure = null)
    {
        var clock = new AdjustableTimeProvider();
        var options = new SimulatorOptions
        {
            Clock = clock,
            Seed = 11,
            Tenants = tenants,
            CreatedAt = clock.GetUtcNow() - TimeSpan.FromDays(1),
            ChangesPerMinute = 0,
        };
        return new CliSimulator(await XeroSimulatorHost.StartAsync(configure?.Invoke(options) ?? options, cancellationToken));
    }

    /// <summary>
    /// Holds the <paramref name="nth"/> call matching <paramref name="match"/> (API calls the limiter accepted,
    /// and <c>/connections</c>) in flight until <see cref="HeldCall.Release"/> or until its client goes away.
    /// </summary>
    public HeldCall Hold(Func<SimulatedArrival, bool> match, int nth = 1)
    {
        var hold = new HeldCall(match, nth);
        lock (_gate)
        {
            _holds.Add(hold);
        }

        return hold;
    }

    /// <summary>Completes when a request matching <paramref name="match"/> has been answered and logged (from now on).</summary>
    public Task<SimulatedRequest> WhenLogged(Func<SimulatedRequest, bool> match)
    {
        var signal = new TaskCompletionSource<SimulatedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((match, signal));
        }

        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var hold in _holds)
            {
                hold.Release();
            }
        }

        await Host.DisposeAsync();
    }

    private async ValueTask OnServingAsync(SimulatedArrival arrival, CancellationToken aborted)
    {
        HeldCall? holding = null;
        lock (_gate)
        {
            foreach (var hold in _holds)
            {
                if (hold.Offer(arrival))
                {
                    holding = hold;
                    break;
                }
            }
        }

        if (holding is not null)
        {
            try
            {
                await holding.Released.WaitAsync(aborted);
            }
            catch (OperationCanceledException)
            {
                // The client went away (killed) while its call was held: the simulator logs it as aborted.
            }
        }
    }

    private void OnLogged(SimulatedRequest request)
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(request))
                {
                    _waiters[i].Signal.TrySetResult(request);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
