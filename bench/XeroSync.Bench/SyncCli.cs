using System.Diagnostics;
using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>The real <c>sync</c> CLI (the xerosync.dll this project builds beside itself) against a simulator, as a custom connection.</summary>
public static class SyncCli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "xerosync.dll");

    public static Task<MeasuredProcess> RunAsync(XeroSimulatorHost simulator, string dataDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dataDirectory };
        start.ArgumentList.Add(Dll);
        start.ArgumentList.Add("sync");
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("XERO_", StringComparison.Ordinal) || k.StartsWith("XEROSYNC_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["XERO_API_URL"] = simulator.BaseUrl.ToString();
        start.Environment["XERO_IDENTITY_URL"] = simulator.BaseUrl.ToString();
        start.Environment["XERO_CLIENT_ID"] = simulator.State.Options.ClientId;
        start.Environment["XERO_CLIENT_SECRET"] = simulator.State.Options.ClientSecret;
        Directory.CreateDirectory(dataDirectory);
        return MeasuredProcess.RunAsync(start, timeout, cancellationToken);
    }

    /// <summary>
    /// The shortest time Xero's limits allow for <paramref name="calls"/> calls of one organisation: 60 a minute, so the
    /// last call can start no sooner than whole minutes after the first (the windows of 5 in flight are shorter here).
    /// </summary>
    public static TimeSpan LowerBound(int calls) => TimeSpan.FromMinutes(Math.Max(0, (calls - 1) / 60));
}
