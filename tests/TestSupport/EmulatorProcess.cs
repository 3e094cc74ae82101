using System.Collections.Concurrent;
using System.Diagnostics;

namespace XeroSync.Tests;

/// <summary>One started emulator process and the tail of its output (for failure messages).</summary>
internal sealed class EmulatorProcess(string name, Process process, int port)
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Name { get; } = name;

    public Process Process { get; } = process;

    public int Port { get; } = port;

    public string Host => $"127.0.0.1:{Port}";

    public string Output => string.Join(Environment.NewLine, _lines);

    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > 40 && _lines.TryDequeue(out _))
        {
        }
    }
}
