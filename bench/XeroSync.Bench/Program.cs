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

    result = result with { Note = result.Note ?? "load " + Machine.LoadAverage() };
    Console.WriteLine($"   {result.Measured}");
    results.Add(result);
}

try
{
    await RunAsync(1, PagePipelineFigure.Name, PagePipelineFigure.Target, "BenchmarkDotNet", () => PagePipelineFigure.RunAsync(arguments.Quick, stop.Token));
    await RunAsync(2, "Cloud, real time", "8 Worker processes, x1 and x20 tenants: wall / lower bound <= 1.03, 0 throttled, <= 5 in flight per tenant, Firestore writes per Xero call <= 0.25", "-", () => Task.FromResult(CloudFigure.NotBuilt()));
    await RunAsync(3, LocalSyncFigure.Name, LocalSyncFigure.Target, "sync CLI", () => LocalSyncFigure.RunAsync(arguments.Quick, stop.Token));
    await RunAsync(4, "Worker memory", "80 concurrent push requests of 1000-record pages: peak RSS bounded and stated", "-", () => Task.FromResult(CloudFigure.WorkerMemoryNotBuilt()));
    await RunAsync(5, PublishFigure.Name, PublishFigure.Target, "Pub/Sub emulator", async () => await PublishFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, stop.Token));
    await RunAsync(6, BudgetFigure.Name, BudgetFigure.Target, "Firestore emulator", async () => await BudgetFigure.RunAsync(await EmulatorsAsync(), arguments.Quick, stop.Token));
    await RunAsync(7, CallsFigure.Name, CallsFigure.Target, "sync CLI", () => CallsFigure.RunAsync(arguments.Quick, stop.Token));
}
finally
{
    if (emulators is not null)
    {
        await emulators.DisposeAsync();
    }
}

var report = new BenchReport(
    "dotnet run -c Release --project bench/XeroSync.Bench -- " + string.Join(' ', args),
    arguments.Quick,
    started,
    TimeProvider.System.GetUtcNow(),
    machine with { LoadAverageAtEnd = Machine.LoadAverage() },
    results);
Console.WriteLine();
Console.WriteLine(ResultTable.Render(report));
var output = Path.GetFullPath(arguments.Output);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport), stop.Token);
Console.WriteLine("Written: " + output);
return results.Any(r => r.Met == false) ? 1 : 0;
