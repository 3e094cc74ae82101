using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;

namespace XeroSync.Cli;

/// <summary>
/// The log of a sync or retry: its warnings (every line at INFO with <c>--verbose</c>) are appended to
/// <see cref="FileName"/> in the data folder instead of the terminal, where they would land inside the live table;
/// after the summary the run says how many lines it added there.
/// </summary>
public sealed class RunLog : IDisposable
{
    public const string FileName = "xerosync.log";

    private readonly long _startLength;
    private readonly LoggerFactory _loggers;

    private RunLog(string path, bool verbose)
    {
        Path = path;
        _startLength = File.Exists(path) ? new FileInfo(path).Length : 0;
        var file = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(path, formatProvider: CultureInfo.InvariantCulture, outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        _loggers = new LoggerFactory([new SerilogLoggerProvider(file, dispose: true)], new LoggerFilterOptions
        {
            MinLevel = verbose ? LogLevel.Information : LogLevel.Warning,
            Rules = { new LoggerFilterRule(null, "Microsoft", LogLevel.Warning, null) },
        });
    }

    /// <summary>The log file: <c>{data folder}/xerosync.log</c>.</summary>
    public string Path { get; }

    /// <summary>Where the run's components log.</summary>
    public ILoggerFactory Loggers => _loggers;

    /// <summary>Opens (appends to) the data folder's log; the caller holds the folder's lock.</summary>
    public static RunLog Open(string dataDirectory, bool verbose) => new(System.IO.Path.Combine(dataDirectory, FileName), verbose);

    /// <summary>Lines this run has added to the file so far (each event's first line; an exception adds its own).</summary>
    public int LinesWritten()
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= _startLength)
        {
            return 0;
        }

        stream.Seek(_startLength, SeekOrigin.Begin);
        var lines = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    public void Dispose() => _loggers.Dispose();
}
