using System.Text.RegularExpressions;

namespace XeroSync.Tests;

/// <summary>
/// The build stage of one of the repository's Dockerfiles, read so that tests run what the image build
/// runs: its WORKDIR, its COPY instructions (context -> stage) and its <c>RUN dotnet ...</c> commands.
/// Only the instruction forms those Dockerfiles use are understood; anything else fails the parse.
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<string> lines)
    {
        Path = path;
        Lines = lines;
    }

    public string Path { get; }

    /// <summary>Instructions, comments and blank lines dropped, continuation lines joined.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Instructions of the first (build) stage.</summary>
    public IReadOnlyList<string> BuildStage => Lines.Skip(1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

    /// <summary>Instructions of the final (runtime) stage, its FROM included.</summary>
    public IReadOnlyList<string> RuntimeStage => Lines.Skip(Lines.ToList().FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();

    public string BuildWorkDirectory => BuildStage.Single(l => l.StartsWith("WORKDIR ", StringComparison.Ordinal))["WORKDIR ".Length..].Trim();

    /// <summary>(sources, destination) of each COPY of the build stage, in order.</summary>
    public IReadOnlyList<(IReadOnlyList<string> Sources, string Destination)> Copies => BuildStage
        .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
        .Select(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(parts => ((IReadOnlyList<string>)parts[..^1], parts[^1]))
        .ToList();

    /// <summary>The arguments of each <c>RUN dotnet ...</c> of the build stage, without "dotnet".</summary>
    public IReadOnlyList<IReadOnlyList<string>> DotnetCommands => BuildStage
        .Where(l => l.StartsWith("RUN ", StringComparison.Ordinal))
        .Select(l => l["RUN ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(parts => parts[0] == "dotnet" ? (IReadOnlyList<string>)parts[1..] : throw new FormatException($"Unexpected RUN: {string.Join(' ', parts)}"))
        .ToList();

    /// <summary>The dll of <c>ENTRYPOINT ["dotnet", "X.dll"]</c>.</summary>
    public string EntryAssembly => Entrypoint().Match(RuntimeStage.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))) is { Success: true } m
        ? m.Groups[1].Value
        : throw new FormatException("ENTRYPOINT is not [\"dotnet\", \"X.dll\"].");

    public static Dockerfile Read(string path)
    {
        var lines = new List<string>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            lines.Add(pending + line);
            pending = string.Empty;
        }

        return new Dockerfile(path, lines);
    }

    /// <summary>Lays the build stage's files out under <paramref name="stageRoot"/> as its COPY instructions would (honouring .dockerignore's bin/obj).</summary>
    public void CopyContext(string contextRoot, string stageRoot)
    {
        var workDirectory = System.IO.Path.Combine(stageRoot, BuildWorkDirectory.TrimStart('/'));
        foreach (var (sources, destination) in Copies)
        {
            Assert.DoesNotContain(sources, s => s.StartsWith("--", StringComparison.Ordinal));
            var target = System.IO.Path.GetFullPath(System.IO.Path.Combine(workDirectory, destination));
            foreach (var source in sources)
            {
                var from = System.IO.Path.Combine(contextRoot, source);
                if (Directory.Exists(from))
                {
                    CopyDirectory(from, target);
                }
                else
                {
                    Assert.True(File.Exists(from), $"{Path}: COPY source {source} does not exist");
                    Directory.CreateDirectory(target);
                    File.Copy(from, System.IO.Path.Combine(target, System.IO.Path.GetFileName(from)), overwrite: true);
                }
            }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = System.IO.Path.GetFileName(directory);
            if (name is "bin" or "obj" or "node_modules")
            {
                continue; // .dockerignore
            }

            CopyDirectory(directory, System.IO.Path.Combine(to, name));
        }
    }

    [GeneratedRegex(@"^ENTRYPOINT \[""dotnet"", ""([A-Za-z0-9.]+\.dll)""\]$")]
    private static partial Regex Entrypoint();
}
