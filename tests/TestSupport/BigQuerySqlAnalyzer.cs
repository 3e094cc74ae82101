using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace XeroSync.Tests;

/// <summary>
/// ZetaSQL's analyzer (GoogleSQL's reference front end, the local service of @fivetrandevelopers/zetasql), run by
/// tests/SqlCheck/analyze.js against a catalog the test describes: unknown functions, wrong argument types, unknown
/// tables and columns, and malformed JSONPath literals are errors, not only syntax. Install it with <c>npm ci</c> in
/// tests/SqlCheck. Skips the calling test with a message when node or the package is absent, or fails under <c>CI=true</c>.
/// </summary>
public static class BigQuerySqlAnalyzer
{
    private static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "SqlCheck");

    /// <summary>
    /// Analyses every statement against <paramref name="tables"/> (name as the SQL writes it between backquotes, and its
    /// columns as (name, BigQuery type)) with the named query <paramref name="parameters"/>: by name, the analyzer's
    /// error (null when it is a valid query) and the output column names.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ParsedSql>> AnalyzeAsync(
        IReadOnlyCollection<(string Name, IReadOnlyList<(string Name, string Type)> Columns)> tables,
        IReadOnlyCollection<(string Name, string Type)> parameters,
        IReadOnlyCollection<(string Name, string Sql)> statements,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(statements);
        Require();
        using var input = new MemoryStream();
        using (var writer = new Utf8JsonWriter(input))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tables");
            foreach (var (name, columns) in tables)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteStartArray("columns");
                foreach (var (column, type) in columns)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", column);
                    writer.WriteString("type", type);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("parameters");
            foreach (var (name, type) in parameters)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("type", type);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("statements");
            foreach (var (name, sql) in statements)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("sql", sql);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var start = new ProcessStartInfo("node", "analyze.js")
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
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(input.ToArray(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"analyze.js exited {process.ExitCode}: {await stderr}");
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
        var package = Path.Combine(Folder, "node_modules", "@fivetrandevelopers", "zetasql", "package.json");
        string? missing = File.Exists(package) ? null : $"{package} is absent: run `npm ci` in tests/SqlCheck (CI does).";
        if (missing is null && !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            missing = "the ZetaSQL service is built for Linux and macOS only.";
        }

        if (missing is null && !(Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(folder => File.Exists(Path.Combine(folder, "node"))))
        {
            missing = "node is not on PATH.";
        }

        if (missing is null)
        {
            return;
        }

        if (RepositoryPaths.IsCi)
        {
            Assert.Fail("BigQuery SQL analysis unavailable under CI=true: " + missing);
        }

        Assert.Skip("BigQuery SQL analysis skipped: " + missing);
    }
}
