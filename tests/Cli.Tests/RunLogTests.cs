using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A sync's warnings go to the data folder's log file, never into the terminal where the live table is drawn, and the
/// summary says how many lines the run added there.
/// </summary>
public sealed class RunLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_skipped_endpoints_warning_goes_to_the_log_file_and_the_summary_names_the_file()
    {
        using var data = new TempDirectory();

        // Xero refuses Journals to this organisation (401): the sync skips it with a warning.
        await using var simulator = await XeroSimulatorHost.StartAsync(new SimulatorOptions { Tenants = 1, Scale = 0.01, ChangesPerMinute = 0, JournalsEntitled = false }, Ct);
        var environment = new Dictionary<string, string>
        {
            ["XERO_API_URL"] = simulator.BaseUrl.ToString(),
            ["XERO_IDENTITY_URL"] = simulator.BaseUrl.ToString(),
            ["XERO_CLIENT_ID"] = simulator.State.Options.ClientId,
            ["XERO_CLIENT_SECRET"] = simulator.State.Options.ClientSecret,
        };

        var (exit, stdout, stderr) = await CliProcess.RunAsync(["sync", "--endpoints", "Journals,Users", "--data-dir", data.Path], environment: environment);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var refused = simulator.State.Requests.Where(r => r.Endpoint == "Journals").ToList();
        Assert.Equal([401], refused.Select(r => r.StatusCode));

        var logPath = Path.Combine(data.Path, "xerosync.log");
        var log = await File.ReadAllLinesAsync(logPath, Ct);
        var warning = Assert.Single(log);
        Assert.Contains(" WARN ", warning, StringComparison.Ordinal);
        Assert.Contains("Journals", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("warn", stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(stderr);
        Assert.Contains($"Log: 1 line(s) from this run in {logPath}", stdout, StringComparison.Ordinal);

        // A second run adds nothing to warn about: its summary has no log line, and the file keeps the first run's.
        var (again, secondOut, _) = await CliProcess.RunAsync(["sync", "--endpoints", "Users", "--data-dir", data.Path], environment: environment);
        Assert.Equal(0, again);
        Assert.DoesNotContain("Log:", secondOut, StringComparison.Ordinal);
        Assert.Equal(log, await File.ReadAllLinesAsync(logPath, Ct));
    }
}
