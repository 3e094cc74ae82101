using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>Simulators for the figures: Xero's limits enforced on a real clock (a child process cannot share a fake one), changes off so the truth stays put.</summary>
public static class BenchSimulator
{
    private const int Seed = 29;

    /// <summary>Records one organisation holds at <c>Scale = 1</c>, counted from the simulator's own state.</summary>
    public static int RecordsAtScaleOne { get; } = CountRecords(new SimulatorState(Options(1, 1.0)));

    public static SimulatorOptions Options(int tenants, double scale)
    {
        var clock = new AdjustableTimeProvider();
        return new SimulatorOptions
        {
            Clock = clock,
            Seed = Seed,
            Tenants = tenants,
            Scale = scale,
            CreatedAt = clock.GetUtcNow() - TimeSpan.FromDays(1),
            ChangesPerMinute = 0,
        };
    }

    /// <summary>A simulator whose every organisation holds about <paramref name="records"/> records.</summary>
    public static Task<XeroSimulatorHost> StartAsync(int tenants, int records, CancellationToken cancellationToken) =>
        XeroSimulatorHost.StartAsync(Options(tenants, (double)records / RecordsAtScaleOne), cancellationToken);

    public static int CountRecords(SimulatorState state, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tenants = tenantId is null ? state.Tenants.Select(t => t.TenantId) : [tenantId];
        return tenants.Sum(t => state.Endpoints.Sum(e => state.Count(t, e)));
    }
}
