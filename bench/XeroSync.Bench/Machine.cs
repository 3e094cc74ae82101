using System.Globalization;
using System.Runtime.InteropServices;

namespace XeroSync.Bench;

/// <summary>The machine a run was measured on, load average included: the figures are only as honest as the load beside them.</summary>
public sealed record Machine(string Cpu, int LogicalCores, double MemoryGiB, string Os, string Runtime, string LoadAverageAtStart, string? LoadAverageAtEnd)
{
    public static Machine Describe() => new(
        ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        Math.Round((ReadKib("/proc/meminfo", "MemTotal") ?? 0) / 1024.0 / 1024.0, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        LoadAverage(),
        null);

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public override string ToString() =>
        $"{Cpu}, {LogicalCores} logical cores, {MemoryGiB.ToString(CultureInfo.InvariantCulture)} GiB, {Os}, {Runtime}; load average (1/5/15 min) {LoadAverageAtStart} at start" +
        (LoadAverageAtEnd is null ? string.Empty : $", {LoadAverageAtEnd} at end");

    private static string? ReadField(string path, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(name, StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>A "Name:   1234 kB" field of a /proc file, in KiB.</summary>
    public static long? ReadKib(string path, string name)
    {
        try
        {
            var value = ReadField(path, name);
            return value is null ? null : long.Parse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
