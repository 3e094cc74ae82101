using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A run whose sync process dies stays "running" in the ledger; status tells it apart from a live one by the data
/// folder's lock (README: a running sync holds <c>.sync.lock</c>, which the operating system drops when it ends) and
/// shows it as interrupted, with retry suggested.
/// </summary>
public sealed partial class InterruptedRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_killed_sync_shows_as_interrupted_with_retry_suggested_and_a_live_one_as_running()
    {
        using var data = new TempDirectory();

        // One call a minute: the 27 endpoints' first pages keep the run going for many minutes, so it is still
        // running when it is looked at and when it is killed.
        await using var simulator = await XeroSimulatorHost.StartAsync(new SimulatorOptions { Tenants = 1, Scale = 0.01, ChangesPerMinute = 0, PerMinuteLimit = 1 }, Ct);
        using var sync = StartSync(simulator, data.Path);
        string runId;
        try
        {
            runId = await ReadRunIdAsync(sync);

            var (liveExit, live, liveErr) = await CliProcess.RunAsync(["status", "--data-dir", data.Path]);
            Assert.True(liveExit == 0, liveErr);
            Assert.Matches(RunRow(runId, "running"), live);
            Assert.DoesNotContain("interrupted", live, StringComparison.Ordinal);
        }
        finally
        {
            sync.Kill(entireProcessTree: true);
            await sync.WaitForExitAsync(Ct);
        }

        Assert.NotEqual(0, sync.ExitCode);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["status", "--data-dir", data.Path]);
        Assert.True(exit == 0, stderr);
        Assert.Empty(stderr);
        Assert.Matches(RunRow(runId, "interrupted"), stdout);
        Assert.Contains($"`retry {runId}`", stdout, StringComparison.Ordinal);

        var (detailExit, detail, _) = await CliProcess.RunAsync(["status", runId, "--data-dir", data.Path]);
        Assert.Equal(0, detailExit);
        Assert.Contains("run interrupted", detail, StringComparison.Ordinal);
        Assert.Contains($"`retry {runId}`", detail, StringComparison.Ordinal);
    }

    /// <summary>The run's row of status's table: its id first and its state last.</summary>
    private static Regex RunRow(string runId, string state) => new($@"^\W*{Regex.Escape(runId)}\b.*\b{state}\W*$", RegexOptions.Multiline);

    private static Process StartSync(XeroSimulatorHost simulator, string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in (string[])[CliProcess.Dll, "sync", "--data-dir", dataDirectory])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("XERO", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["XERO_API_URL"] = simulator.BaseUrl.ToString();
        start.Environment["XERO_IDENTITY_URL"] = simulator.BaseUrl.ToString();
        start.Environment["XERO_CLIENT_ID"] = simulator.State.Options.ClientId;
        start.Environment["XERO_CLIENT_SECRET"] = simulator.State.Options.ClientSecret;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the CLI did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The sync's first line names its run once the ledger holds it ("Run ID: 1 tenant(s) x ...").</summary>
    private static async Task<string> ReadRunIdAsync(Process sync)
    {
        while (await sync.StandardOutput.ReadLineAsync(Ct) is { } line)
        {
            if (FirstLine().Match(line) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException($"the sync ended (exit {sync.ExitCode}) without naming its run");
    }

    [GeneratedRegex(@"^Run (\S+): \d+ tenant\(s\)")]
    private static partial Regex FirstLine();
}
