using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using XeroSync.Cli;

namespace XeroSync.Tests;

/// <summary>
/// What any well-made command line does: help on every verb and at the top, a version, usage for no or an unknown
/// verb, results on stdout and errors on stderr, and one clear line (never a stack trace) for what a user can cause.
/// </summary>
public sealed class CliConventionTests
{
    /// <summary>The verbs README documents.</summary>
    private static readonly string[] VerbNames = ["sync", "retry", "status", "query", "connect"];

    public static TheoryData<string> Verbs => new(VerbNames);

    [Fact(Timeout = 60_000)]
    public async Task No_verb_prints_the_usage_on_stderr_and_exits_2()
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync([]);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("Usage: xerosync <command>", stderr, StringComparison.Ordinal);
        foreach (var verb in VerbNames)
        {
            Assert.Matches(new Regex($@"^  {verb} +\S", RegexOptions.Multiline), stderr);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_verb_is_named_with_the_usage_on_stderr_and_exits_2()
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync(["serve"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("error: unknown command 'serve'.", stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: xerosync <command>", stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Top_level_help_prints_the_usage_on_stdout_and_exits_0(string flag)
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync([flag]);

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        Assert.StartsWith("Usage: xerosync <command>", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Version_prints_one_line_and_exits_0()
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync(["--version"]);

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        Assert.Matches(@"^\d+\.\d+\.\d+\S*\r?\n$", stdout);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_answers_help_and_h_with_its_own_usage_and_exit_0(string verb)
    {
        foreach (var flag in (string[])["--help", "-h"])
        {
            // After other options too, and without running the command (no data folder is touched).
            var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync([verb, "--data-dir", "/nonexistent/xerosync", flag]);

            Assert.Equal(0, exitCode);
            Assert.Empty(stderr);
            Assert.StartsWith($"Usage: xerosync {verb}", stdout, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists("/nonexistent/xerosync"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Errors_go_to_stderr_so_a_redirected_result_holds_none()
    {
        using var data = new TempDirectory();

        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync(["query", "SELECT 1", "--format", "csv", "--data-dir", data.Path]);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("error: No warehouse at", stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("sync", "--demo")]
    [InlineData("status")]
    [InlineData("query", "SELECT 1")]
    [InlineData("retry", "20261102T090000Z-abcdef")]
    public async Task A_file_as_data_dir_is_one_line_and_exit_2(params string[] args)
    {
        var readme = Path.Combine(RepositoryPaths.Root, "README.md");
        var before = await File.ReadAllTextAsync(readme, TestContext.Current.CancellationToken);

        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync([.. args, "--data-dir", readme]);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Equal($"error: --data-dir {readme} is a file; give a folder (it is created if absent).", stderr.TrimEnd());
        Assert.Equal(before, await File.ReadAllTextAsync(readme, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--endpoints", ",")]
    [InlineData("--endpoints", " , ")]
    [InlineData("--tenants", ",")]
    public async Task A_list_option_naming_nothing_is_refused_instead_of_meaning_everything(string option, string value)
    {
        using var data = new TempDirectory();

        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync(["sync", "--data-dir", data.Path, option, value], Credentials("http://127.0.0.1:9"));

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith($"error: {option} names no", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact(Timeout = 120_000)]
    public async Task Xero_unreachable_after_the_retries_is_one_line_and_exit_1()
    {
        using var data = new TempDirectory();
        var closed = ClosedLoopbackPort();

        var (exitCode, stdout, stderr) = await CliHarness.RunSplitAsync(["sync", "--data-dir", data.Path, "--endpoints", "Users"], Credentials($"http://127.0.0.1:{closed}"));

        Assert.Equal(1, exitCode);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.StartsWith("error: Xero could not be reached (", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_second_sync_or_retry_while_one_runs_is_one_line_and_exit_1()
    {
        using var data = new TempDirectory();

        // README: a running sync or retry holds `.sync.lock` in its data folder (an exclusive lock the operating system
        // drops when the process ends). This test process holds it as a running sync does.
        await using var held = new FileStream(Path.Combine(data.Path, ".sync.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var expected = $"error: the data folder {data.Path} is in use: another sync or retry is running in it. Wait for it to finish, or pass another --data-dir.";
        foreach (var args in (string[][])[["sync", "--demo", "--endpoints", "Users", "--data-dir", data.Path], ["retry", "20261207T000000Z-abcdef", "--demo", "--data-dir", data.Path]])
        {
            var (exitCode, stdout, stderr) = await CliProcess.RunAsync(args);

            Assert.True(exitCode == 1, $"{args[0]}: exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Empty(stdout);
            Assert.Equal(expected, stderr.TrimEnd());
        }

        Assert.Equal([".sync.lock"], Directory.EnumerateFileSystemEntries(data.Path).Select(Path.GetFileName));
    }

    [Fact(Timeout = 240_000)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Status_reads_a_folder_it_may_not_write_and_changes_nothing_in_it()
    {
        using var data = new TempDirectory();
        var (synced, syncOutput) = await CliHarness.RunAsync(["sync", "--demo", "--endpoints", "Users", "--data-dir", data.Path]);
        Assert.True(synced == 0, syncOutput);
        var (_, expected, _) = await CliProcess.RunAsync(["status", "--data-dir", data.Path]);
        Assert.Contains("Recent runs", expected, StringComparison.Ordinal);

        ReadOnly(data.Path);
        var before = Snapshot(data.Path);
        try
        {
            var (exitCode, stdout, stderr) = await CliProcess.RunAsync(["status", "--data-dir", data.Path], asNobody: true);
            var (syncExit, _, syncStderr) = await CliProcess.RunAsync(["sync", "--demo", "--data-dir", data.Path], asNobody: true);

            Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Empty(stderr);
            Assert.Equal(expected, stdout);
            Assert.Equal(before, Snapshot(data.Path));
            Assert.Equal(2, syncExit);
            Assert.Equal($"error: The data folder {data.Path} is not writable: sync, retry and connect write there (status and query only read it).", syncStderr.TrimEnd());
        }
        finally
        {
            Writable(data.Path);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_table_piped_to_another_program_is_not_wrapped()
    {
        using var data = new TempDirectory();
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(data.Path, "warehouse.duckdb")}"))
        {
            connection.Open();
        }

        // Five GUIDs side by side: about 200 columns, far wider than the 80 a console without a terminal assumes.
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid().ToString()).ToList();
        var sql = "SELECT " + string.Join(", ", ids.Select((id, i) => $"'{id}' AS invoice_id_{i}"));

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(["query", sql, "--data-dir", data.Path]);

        Assert.True(exitCode == 0, stderr);
        var row = Assert.Single(stdout.Split('\n'), line => line.Contains(ids[0], StringComparison.Ordinal));
        Assert.All(ids, id => Assert.Contains(id, row, StringComparison.Ordinal));
        Assert.Single(stdout.Split('\n'), line => line.Contains("invoice_id_0", StringComparison.Ordinal) && line.Contains("invoice_id_4", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Credentials(string url) => new()
    {
        ["XERO_CLIENT_ID"] = "id",
        ["XERO_CLIENT_SECRET"] = "secret",
        ["XERO_API_URL"] = url,
        ["XERO_IDENTITY_URL"] = url,
    };

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void ReadOnly(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Writable(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static List<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => $"{Path.GetRelativePath(folder, p)} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p):O}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
