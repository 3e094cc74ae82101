using System.Text.Json;
using XeroSync.Bench;
using XeroSync.Tests;

BenchArguments arguments;
try
{
    arguments = BenchArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var started = TimeProvider.System.GetUtcNow();
var machine = Machine.Describe();
Console.WriteLine("Machine: " + machine);
var results = new List<FigureResult>();
GoogleEmulators? emulators = null;
using var writeGate = new SemaphoreSlim(1, 1);

async Task<GoogleEmulators> EmulatorsAsync()
{
    if (emulators is null)
    {
        emulators = new GoogleEmulators();
        await emulators.InitializeAsync();
        if (emulators.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }

    return emulators;
}

async Task RunAsync(int number, string name, string target, string how, Func<Task<FigureResult>> run)
{
    if (!arguments.Selected(number))
    {
        return;
    }

    await Task.Yield();
    Console.WriteLine($"== figure {number}: {name} (load average {Machine.LoadAverage()})");
    FigureResult result;
    try
    {
        result = await run();
    }
    catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
    {
        result = FigureResult.Failed(number, name, target, how, e);
        Console.Error.WriteLine(e);
    }

    // JSON has no NaN: a value that could not be computed (e.g. a ratio to a zero lower bound) is left out.
    result = result with
    {
        Note = result.Note ?? "load " + Machine.LoadAverage() + (number == 3 && !arguments.Serial && arguments.Only.Count != 1 ? "; ran beside the other figures" : string.Empty),
        Values = result.Values.Where(v => double.IsFinite(v.Value)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
    };
    Console.WriteLine($"   {result.Measured}");
    lock (results)
    {
        results.Add(result);
    }

    // Written after every figure, so a run cut short still leaves what it measured.
    await WriteAsync(final: false);
}

async Task WriteAsync(bool final)
{
    BenchReport report;
    lock (results)
    {
        report = new BenchReport(
            "dotnet run -c Release --project bench/XeroSync.Bench -- " + string.Join(' ', args),
            arguments.Quick,
            started,
            TimeProvider.System.GetUtcNow(),
            machine with { LoadAverageAtEnd = Machine.LoadAverage() },
            [.. results.OrderBy(r => r.Number)]);
    }

    var output = Path.GetFullPath(arguments.Output);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    await writeGate.WaitAsync(CancellationToken.None);
    try
    {
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport), CancellationToken.None);
    }
    finally
    {
        writeGate.Release();
    }

    if (final)
    {
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(report));
        Console.WriteLine("Written: " + output);
    }
}

try
{
    // Figure 1 first and alone: BenchmarkDotNet's allocation count and the CPU-time measure are per process, and
    // figures 3 and 7 host their simulators in this process.
    await RunAsync(1, PagePipelineFigure.Name, PagePipelineFigure.Target, "BenchmarkDotNet", () => PagePipelineFigure.RunAsync(arguments.Quick, stop.Token));

    // Figure 3 spends most of its wall time waiting on Xero's 60 calls a minute: unless --serial it runs beside the
    // others (the table says so), which keeps the full run near 17 minutes instead of 20 or more.
    var local = RunAsync(3, LocalSyncFigure.Name, LocalSyncFigure.Target, "sync CLI", () => LocalSyncFigure.RunAsync(arguments.Quick, arguments.Sizes, stop.Token));
    if (arguments.Serial)
    {
        await local;
    }

    await RunAsync(2, CloudFigure.Name, CloudFigure.Target, "Pub/Sub + Firestore emulators", async () => await CloudFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, arguments.Tenants, stop.Token));
    await RunAsync(4, WorkerMemoryFigure.Name, WorkerMemoryFigure.Target, "Pub/Sub + Firestore emulators", async () => await WorkerMemoryFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, stop.Token));
    await RunAsync(5, PublishFigure.Name, PublishFigure.Target, "Pub/Sub emulator", async () => await PublishFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, stop.Token));
    await RunAsync(6, BudgetFigure.Name, BudgetFigure.Target, "Firestore emulator", async () => await BudgetFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, stop.Token));
    await RunAsync(7, CallsFigure.Name, CallsFigure.Target, "sync CLI", () => CallsFigure.RunAsync(arguments.Quick, stop.Token));
    await local;
}
finally
{
    if (emulators is not null)
    {
        await emulators.DisposeAsync();
    }
}

await WriteAsync(final: true);
return results.Any(r => r.Met == false) ? 1 : 0;
