using System.Text.RegularExpressions;

namespace XeroSync.Tests;

/// <summary>
/// Every command line README.md and docs/*.md show (<c>dotnet run --project src/Cli -- VERB ...</c>) names a verb the
/// CLI has and only options that verb's own help lists: a renamed or removed option fails here, not in a reader's shell.
/// (FirstRunTests runs the first command and every SQL example of the same documents.)
/// </summary>
public sealed partial class DocumentedCommandsTests
{
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (var document in Documents())
        {
            foreach (Match match in CommandLine().Matches(File.ReadAllText(document)))
            {
                data.Add(Path.GetRelativePath(RepositoryPaths.Root, document), match.Groups[1].Value.Trim());
            }
        }

        return data;
    }

    [Fact]
    public void The_documents_show_commands()
    {
        Assert.True(Commands().Count >= 5, "README.md and docs/ show the CLI's commands as `dotnet run --project src/Cli -- ...`");
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Commands))]
    public async Task A_documented_command_names_a_verb_and_options_its_help_lists(string document, string command)
    {
        var verb = command.Split(' ', 2)[0];
        var (exitCode, help, stderr) = await CliProcess.RunAsync([verb, "--help"]);

        Assert.True(exitCode == 0, $"{document}: `{command}`: `{verb} --help` exited {exitCode}: {stderr}");
        Assert.StartsWith($"Usage: xerosync {verb}", help, StringComparison.Ordinal);
        foreach (var option in Option().Matches(command).Select(m => m.Value).Distinct(StringComparer.Ordinal))
        {
            Assert.True(Regex.IsMatch(help, $@"{Regex.Escape(option)}\b"), $"{document}: `{command}` uses {option}, which `{verb} --help` does not list:\n{help}");
        }
    }

    internal static IEnumerable<string> Documents() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Order(StringComparer.Ordinal)
            .Prepend(Path.Combine(RepositoryPaths.Root, "README.md"));

    /// <summary>The command up to a shell comment, a table cell's end or a closing backtick.</summary>
    [GeneratedRegex(@"dotnet run --project src/Cli -- ([a-z][^#|`\n]*)")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]*")]
    private static partial Regex Option();
}
