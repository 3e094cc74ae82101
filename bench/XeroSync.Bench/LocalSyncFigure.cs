using System.Globalization;
using XeroSync.Tests;

namespace XeroSync.Bench;

/// <summary>
/// Figure 3: the real <c>sync</c> CLI process against one organisation of a small and a large size: wall time against
/// Xero's rate-limit lower bound, and the child's peak RSS at both sizes (memory must not grow with the organisation).
/// </summary>
public static class LocalSyncFigure
{
    public const string Name = "Local sync, one organisation";
    public const string Target = "wall / lower bound <= 1.02; peak RSS <= 160 MiB at 50k and at 500k records and within 10 % of each other; 0 throttled";

    public static async Task<FigureResult> RunAsync(bool quick, IReadOnlyList<int>? only, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> sizes = only ?? (quick ? [5_000, 20_000] : [50_000, 500_000]);
        var values = new Dictionary<string, double>();
        var parts = new List<string>();
        var met = true;
        var peaks = new List<double>();
        foreach (var size in sizes)
        {
            await using var simulator = await BenchSimulator.StartAsync(1, size, cancellationToken);
            using var data = new TempDirectory();
            var records = BenchSimulator.CountRecords(simulator.State);
            var run = await SyncCli.RunAsync(simulator, data.Path, TimeSpan.FromMinutes(28), cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"sync exited {run.ExitCode}:\n{run.Tail()}");
            }

            var calls = simulator.State.ApiCalls();
            var throttled = simulator.State.Throttled();
            var bound = SyncCli.LowerBound(calls);
            var ratio = bound > TimeSpan.Zero ? run.Wall / bound : double.NaN;
            var peak = run.PeakRssMiB ?? double.NaN;
            peaks.Add(peak);
            var label = (records / 1000).ToString(CultureInfo.InvariantCulture) + "k";
            values[$"records_{label}"] = records;
            values[$"calls_{label}"] = calls;
            values[$"throttled_{label}"] = throttled;
            values[$"wall_s_{label}"] = Math.Round(run.Wall.TotalSeconds, 1);
            values[$"lower_bound_s_{label}"] = bound.TotalSeconds;
            values[$"wall_over_bound_{label}"] = Math.Round(ratio, 3);
            values[$"peak_rss_mib_{label}"] = Math.Round(peak, 1);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{records:N0} records: {calls} calls, {run.Wall.TotalSeconds:F0} s = {(double.IsFinite(ratio) ? ratio.ToString("F3", CultureInfo.InvariantCulture) + " x" : "n/a, under 61 calls:")} bound ({bound.TotalSeconds:F0} s), peak RSS {peak:F0} MiB, {throttled} throttled"));
            met &= throttled == 0 && (quick || ratio <= 1.02) && peak <= 160;
        }

        // "The same": the large organisation's peak within 10 % of the small one's.
        var growth = peaks[^1] / peaks[0];
        values["peak_rss_growth"] = Math.Round(growth, 3);
        met &= growth <= 1.10;
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"peak RSS large/small {growth:F2}"));
        return new FigureResult(3, Name, Target, string.Join("; ", parts), "`dotnet xerosync.dll sync` as a child process (custom connection) against the in-process simulator on a real clock; peak RSS = the child's VmHWM from /proc/PID/status; lower bound = whole minutes of 60 calls after the first", met, values);
    }
}
