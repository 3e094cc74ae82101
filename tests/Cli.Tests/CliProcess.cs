using System.Diagnostics;
using System.Text;

namespace XeroSync.Tests;

/// <summary>The built CLI (<c>dotnet xerosync.dll ...</c>, copied beside this test assembly) as a child process.</summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "xerosync.dll");

    /// <summary>The uid of the unprivileged user a test runs the CLI as when it runs as root (root ignores file modes).</summary>
    public const int Nobody = 65534;

    /// <param name="asNobody">Run as an unprivileged user (through setpriv when this process is root), so file modes apply.</param>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, bool asNobody = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = asNobody && Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (root)
        {
            foreach (var arg in (string[])[$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "dotnet"])
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the CLI did not start");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
