using System.Diagnostics;
using System.Text;

namespace XeroSync.Bench;

/// <summary>
/// A child process run to its end while its peak resident set (VmHWM in /proc/PID/status, the kernel's own high-water
/// mark, which only grows) is sampled every 100 ms; the last sample before exit is the peak to within that interval.
/// </summary>
public sealed class MeasuredProcess
{
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private MeasuredProcess()
    {
    }

    public int ExitCode { get; private set; }

    public TimeSpan Wall { get; private set; }

    /// <summary>Peak resident set size in MiB (VmHWM); null when /proc is not available.</summary>
    public double? PeakRssMiB { get; private set; }

    /// <summary>The last VmRSS sample, in MiB.</summary>
    public double CurrentRssMiB { get; private set; }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<MeasuredProcess> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var measured = new MeasuredProcess();
        using var process = new Process { StartInfo = start };
        var trace = Environment.GetEnvironmentVariable("XEROSYNC_BENCH_TRACE") == "1";
        process.OutputDataReceived += (_, e) => measured.Append(e.Data, trace);
        process.ErrorDataReceived += (_, e) => measured.Append(e.Data, trace);
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{start.FileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        var status = $"/proc/{process.Id}/status";
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (!exited.IsCompleted)
            {
                if (Machine.ReadKib(status, "VmHWM") is { } kib)
                {
                    measured.PeakRssMiB = kib / 1024.0;
                    measured.CurrentRssMiB = (Machine.ReadKib(status, "VmRSS") ?? 0) / 1024.0;
                }

                await Task.WhenAny(exited, timer.WaitForNextTickAsync(deadline.Token).AsTask());
            }

            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}:\n{measured.Tail()}");
        }

        measured.Wall = clock.Elapsed;
        process.WaitForExit();
        measured.ExitCode = process.ExitCode;
        return measured;
    }

    /// <summary>The last lines of the output, for error messages.</summary>
    public string Tail(int lines = 30) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    private void Append(string? line, bool trace)
    {
        if (line is null)
        {
            return;
        }

        if (trace)
        {
            // Development aid: each line of the child's output with its resident set at that moment.
            Console.WriteLine($"  [{CurrentRssMiB:F0} MiB] {line}");
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
