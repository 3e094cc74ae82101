namespace XeroSync.Tests;

/// <summary>
/// Runs the build stage of Dockerfile.worker and Dockerfile.dispatcher without a Docker engine: their
/// COPY instructions lay the context out in a temp folder, then their own <c>dotnet restore</c> and
/// <c>dotnet publish</c> commands run there (output redirected from /app). The output must hold what the
/// image runs, and nothing of the command line, the local shape or the simulator. One publish per image.
/// </summary>
public sealed class ImagePublishTests
{
    /// <summary>File name parts of the command line (src/Cli, assembly xerosync), the local shape (src/Local: DuckDB, SQLite), the simulator and the CLI's console library.</summary>
    private static readonly string[] NotInServices = ["duckdb", "sqlite", "XeroSimulator", "XeroSync.Local", "Spectre.Console", "xerosync.dll"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 900_000)]
    public async Task The_worker_image_carries_the_worker_and_neither_duckdb_nor_sqlite_nor_the_simulator()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(RepositoryPaths.Root, "Dockerfile.worker"));
        using var stage = new TempDirectory();

        var output = await PublishAsync(dockerfile, stage.Path);

        var files = Files(output);
        Assert.Contains(dockerfile.EntryAssembly, files);
        Assert.Contains("XeroSync.Shared.dll", files);
        Assert.Contains("XeroSync.Worker.runtimeconfig.json", files);
        foreach (var part in NotInServices)
        {
            Assert.DoesNotContain(files, f => f.Contains(part, StringComparison.OrdinalIgnoreCase));
        }

        Assert.DoesNotContain(File.ReadAllText(Path.Combine(output, "XeroSync.Worker.deps.json")), "DuckDB", StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 900_000)]
    public async Task The_dispatcher_image_carries_the_dispatcher_and_neither_the_cli_nor_duckdb_nor_sqlite_nor_the_simulator()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(RepositoryPaths.Root, "Dockerfile.dispatcher"));
        using var stage = new TempDirectory();

        var output = await PublishAsync(dockerfile, stage.Path);

        var files = Files(output);
        Assert.Contains(dockerfile.EntryAssembly, files);
        Assert.Contains("XeroSync.Shared.dll", files);
        Assert.Contains("XeroSync.Dispatcher.runtimeconfig.json", files);
        foreach (var part in NotInServices)
        {
            Assert.DoesNotContain(files, f => f.Contains(part, StringComparison.OrdinalIgnoreCase));
        }

        var deps = File.ReadAllText(Path.Combine(output, "XeroSync.Dispatcher.deps.json"));
        Assert.DoesNotContain("DuckDB", deps, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sqlite", deps, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Path.Combine(output, "runtimes")), "a linux-x64 publish has no runtimes/ folder");
    }

    [Theory]
    [InlineData("Dockerfile.worker")]
    [InlineData("Dockerfile.dispatcher")]
    public void Each_image_restores_in_its_own_layer_and_runs_small_non_root_and_health_checked(string name)
    {
        var dockerfile = Dockerfile.Read(Path.Combine(RepositoryPaths.Root, name));
        var build = dockerfile.BuildStage.ToList();

        // Restore before the sources are copied: only project files and the build props precede it.
        var restore = build.FindIndex(l => l.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        Assert.True(restore > 0, "no RUN dotnet restore");
        Assert.All(dockerfile.Copies.Take(build.Take(restore).Count(l => l.StartsWith("COPY ", StringComparison.Ordinal))), copy =>
            Assert.All(copy.Sources, s => Assert.True(s.EndsWith(".csproj", StringComparison.Ordinal) || !s.Contains('/'), $"{s} is copied before the restore")));
        var publish = dockerfile.DotnetCommands.Single(c => c[0] == "publish");
        Assert.Contains("--no-restore", publish);
        Assert.Equal("linux-x64", publish[publish.ToList().IndexOf("-r") + 1]);
        Assert.Equal("linux-x64", dockerfile.DotnetCommands.Single(c => c[0] == "restore")[^1]);

        var runtime = dockerfile.RuntimeStage;
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled$", runtime[0]);
        Assert.Contains("USER $APP_UID", runtime);
        Assert.Contains(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.Contains($"\"{dockerfile.EntryAssembly}\", \"--health-check\"", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal));
    }

    private static async Task<string> PublishAsync(Dockerfile dockerfile, string stageRoot)
    {
        var dotnet = ProcessRunner.FindOnPath("dotnet") ?? "dotnet";
        dockerfile.CopyContext(RepositoryPaths.Root, stageRoot);
        var workDirectory = Path.Combine(stageRoot, dockerfile.BuildWorkDirectory.TrimStart('/'));
        var output = Path.Combine(stageRoot, "app");
        var commands = dockerfile.DotnetCommands;
        Assert.Equal(["restore", "publish"], commands.Select(c => c[0]));
        foreach (var command in commands)
        {
            var arguments = command.Select(a => a == "/app" ? output : a).ToList();
            Assert.True(command[0] != "publish" || arguments.Contains(output), "publish does not write to /app");
            var result = await ProcessRunner.RunAsync(dotnet, arguments, workDirectory, Ct);
            Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', command)}: {result.Describe()}");
        }

        return output;
    }

    private static List<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).ToList();
}
