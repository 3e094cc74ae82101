using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace XeroSync.Tests;

/// <summary>
/// node-sql-parser's BigQuery dialect, run by tests/SqlCheck/check.js (install it with <c>npm ci</c> in tests/SqlCheck).
/// Skips the calling test with a message when node or the package is absent, or fails under <c>CI=true</c>.
/// </summary>
public static class BigQuerySqlParser
{
    private static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "SqlCheck");

    /// <summary>Parses every statement: by name, the parser's error (null when it is one SELECT) and the SELECT list's aliases.</summary>
    public static async Task<IReadOnlyDictionary<string, ParsedSql>> ParseAsync(IReadOnlyCollection<(string Name, string Sql)> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        Require();
        using var input = new MemoryStream();
        using (var writer = new Utf8JsonWriter(input))
        {
            writer.WriteStartArray();
            foreach (var (name, sql) in statements)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("sql", sql);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var start = new ProcessStartInfo("node", "check.js")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(input.ToArray(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"check.js exited {process.ExitCode}: {await stderr}");
            using var results = JsonDocument.Parse(await stdout);
            return results.RootElement.EnumerateArray().ToDictionary(
                r => r.GetProperty("name").GetString()!,
                r => new ParsedSql(
                    r.GetProperty("ok").GetBoolean() ? null : r.GetProperty("error").GetString() ?? "rejected",
                    [.. r.GetProperty("columns").EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() : null)]),
                StringComparer.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static void Require()
    {
        var package = Path.Combine(Folder, "node_modules", "node-sql-parser", "package.json");
        string? missing = File.Exists(package) ? null : $"{package} is absent: run `npm ci` in tests/SqlCheck (CI does).";
        if (missing is null && !OnPath("node"))
        {
            missing = "node is not on PATH.";
        }

        if (missing is null)
        {
            return;
        }

        if (RepositoryPaths.IsCi)
        {
            Assert.Fail("BigQuery SQL check unavailable under CI=true: " + missing);
        }

        Assert.Skip("BigQuery SQL check skipped: " + missing);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));
}
