using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace XeroSync.Bench;

/// <summary>Figure 1: runs <see cref="PagePipelineBenchmark"/> with BenchmarkDotNet in process and turns its summary into MB/s per core and bytes allocated per record.</summary>
public static class PagePipelineFigure
{
    public const string Name = "Page pipeline, 1000-record Invoices page";
    public const string Target = ">= 200 MB/s per core (response bytes)";

    public static async Task<FigureResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var page = await PagePipelineBenchmark.RecordAsync(cancellationToken);
        var job = (quick ? Job.ShortRun : Job.Default.WithWarmupCount(4).WithIterationCount(15))
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "xerosync-bench-artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<PagePipelineBenchmark>(config);
        var report = summary.Reports.Single();
        var stats = report.ResultStatistics ?? throw new InvalidOperationException("BenchmarkDotNet reported no result: " + string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
        var megabytes = page.Body.Length / 1e6;

        // Per core = per second of CPU this process spent (all its threads, GC included), so the figure does not depend
        // on what else the shared machine runs; BenchmarkDotNet's wall-clock mean and median are kept beside it.
        var cpuPerPage = await CpuSecondsPerPageAsync(quick ? 50 : 300);
        var perCore = megabytes / cpuPerPage;
        var wallPerCore = megabytes / (stats.Median / 1e9);
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
        var values = new Dictionary<string, double>
        {
            ["response_bytes"] = page.Body.Length,
            ["mean_ms"] = Math.Round(stats.Mean / 1e6, 3),
            ["stddev_ms"] = Math.Round(stats.StandardDeviation / 1e6, 3),
            ["median_ms"] = Math.Round(stats.Median / 1e6, 3),
            ["cpu_ms_per_page"] = Math.Round(cpuPerPage * 1e3, 3),
            ["mb_per_cpu_second"] = Math.Round(perCore, 1),
            ["mb_per_s_wall_median"] = Math.Round(wallPerCore, 1),
            ["allocated_bytes_per_page"] = allocated,
            ["allocated_bytes_per_record"] = Math.Round(allocated / 1000.0, 0),
        };
        var measured = string.Create(CultureInfo.InvariantCulture, $"{perCore:F0} MB per CPU-second ({megabytes:F2} MB page, {cpuPerPage * 1e3:F2} ms CPU; BenchmarkDotNet wall median {stats.Median / 1e6:F2} ms = {wallPerCore:F0} MB/s); {allocated / 1000.0:N0} bytes allocated per record");
        return new FigureResult(1, Name, Target, measured, "BenchmarkDotNet (in-process, one thread) and process CPU time over repeated pages: XeroApiClient.GetPageAsync over a replayed simulator response -> PageWriter.Write (gzip NDJSON)", perCore >= 200, values);
    }

    /// <summary>CPU seconds (user + system, every thread of this process) per page over <paramref name="pages"/> sequential pages.</summary>
    private static async Task<double> CpuSecondsPerPageAsync(int pages)
    {
        var benchmark = new PagePipelineBenchmark();
        benchmark.Setup();
        for (var i = 0; i < 10; i++)
        {
            await benchmark.WritePageAsync();
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var before = self.TotalProcessorTime;
        for (var i = 0; i < pages; i++)
        {
            await benchmark.WritePageAsync();
        }

        self.Refresh();
        return (self.TotalProcessorTime - before).TotalSeconds / pages;
    }
}
