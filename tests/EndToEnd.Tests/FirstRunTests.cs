using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace XeroSync.Tests;

/// <summary>
/// README's first command as a newcomer types it, in a child process, from a folder laid out like the repository
/// root (every top-level entry linked, no ./data): the warehouse lands in ./data there, and `query` answers every
/// SQL example README and docs/ show. Runs the build the test run made (--no-build), so it adds no compile time.
/// </summary>
public sealed partial class FirstRunTests : IDisposable
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromMinutes(1);

    private readonly TempDirectory _root = new();

    public FirstRunTests()
    {
        foreach (var entry in new DirectoryInfo(RepositoryPaths.Root).EnumerateFileSystemInfos())
        {
            if (entry.Name is "data" or ".git")
            {
                continue;
            }

            var link = Path.Combine(_root.Path, entry.Name);
            if (entry is DirectoryInfo)
            {
                Directory.CreateSymbolicLink(link, entry.FullName);
            }
            else
            {
                File.CreateSymbolicLink(link, entry.FullName);
            }
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Readmes_first_command_writes_data_where_it_was_typed_and_query_answers_readmes_examples()
    {
        var projectData = Path.Combine(RepositoryPaths.Root, "src", "Cli", "data");
        var projectDataExisted = Directory.Exists(projectData);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"), TestContext.Current.CancellationToken);
        var firstCommand = Regex.Match(readme, @"```bash\n(dotnet run --project src/Cli -- sync --demo)\b").Groups[1].Value;
        Assert.Equal("dotnet run --project src/Cli -- sync --demo", firstCommand);

        var (exit, output) = await DotnetRunAsync(["sync", "--demo"], SyncTimeout);
        var wroteIntoProject = !projectDataExisted && Directory.Exists(projectData);
        if (wroteIntoProject)
        {
            Directory.Delete(projectData, recursive: true); // the regression this test guards against: leave no litter
        }

        Assert.True(exit == 0, $"sync --demo exited {exit}:\n{output}");
        Assert.False(wroteIntoProject, "sync --demo wrote src/Cli/data instead of ./data");
        Assert.True(File.Exists(Path.Combine(_root.Path, "data", "warehouse.duckdb")), $"no ./data/warehouse.duckdb in the folder the command ran from:\n{output}");

        // The SQL examples of README and of every document under docs/.
        var documents = new List<string> { readme };
        foreach (var document in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            documents.Add(await File.ReadAllTextAsync(document, TestContext.Current.CancellationToken));
        }

        var examples = documents.SelectMany(d => SqlBlock().Matches(d)).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.True(examples.Count >= 5, "README shows its SQL examples in ```sql blocks");
        foreach (var sql in examples)
        {
            (exit, output) = await DotnetRunAsync(["query", sql, "--format", "csv"], QueryTimeout);
            Assert.True(exit == 0, $"query exited {exit} for README's\n{sql}\n{output}");
            var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            if (!sql.Contains("'...'", StringComparison.Ordinal))
            {
                Assert.True(lines.Length > 1, $"README's query answered no rows on the demo organisation:\n{sql}");
            }

            if (sql.Contains("trial balance", StringComparison.Ordinal))
            {
                var header = lines[0].Split(',');
                var balance = Array.IndexOf(header, "balance");
                var total = lines.Skip(1).Sum(l => decimal.Parse(l.Split(',')[balance], CultureInfo.InvariantCulture));
                Assert.Equal(0m, total);
            }
        }
    }

    public void Dispose()
    {
        // Remove the links themselves first, so nothing can ever reach the checkout they point to.
        foreach (var entry in new DirectoryInfo(_root.Path).EnumerateFileSystemInfos().Where(e => e.LinkTarget is not null))
        {
            entry.Delete();
        }

        _root.Dispose();
    }

    /// <summary><c>dotnet run --project src/Cli --no-build -- ARGS</c> with the temp root as the working directory.</summary>
    private async Task<(int ExitCode, string Output)> DotnetRunAsync(string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _root.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in (string[])["run", "--project", "src/Cli", "--no-build", "-c", BuildConfiguration(), "--", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
            var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
            await process.WaitForExitAsync(cancel.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The configuration this test assembly was built in (bin/{Configuration}/net10.0/), which built the CLI too.</summary>
    private static string BuildConfiguration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SqlBlock();
}
