using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary>
/// Shows a run's progress while it works: a live per-endpoint table on an interactive terminal, a line
/// every few seconds otherwise (CI logs, pipes).
/// </summary>
public sealed class RunProgressView(IAnsiConsole console, IRunLedger ledger, TimeProvider time)
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    public async Task FollowAsync(string runId, Task work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (console.Profile.Capabilities.Interactive)
        {
            var summary = await ReadAsync(runId, cancellationToken);
            await console.Live(RunTables.ByEndpoint(summary, $"Run {runId}")).StartAsync(async context =>
            {
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(LiveInterval, time, cancellationToken));
                    context.UpdateTarget(RunTables.ByEndpoint(await ReadAsync(runId, cancellationToken), $"Run {runId}"));
                }
            });
        }
        else
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(LineInterval, time, cancellationToken));
                if (!work.IsCompleted)
                {
                    var summary = await ReadAsync(runId, cancellationToken);
                    console.MarkupLine(Markup.Escape(string.Create(
                        CultureInfo.InvariantCulture,
                        $"run {runId}: {summary.Complete}/{summary.Rows.Count} endpoints complete, {summary.PagesDone:N0} pages, {summary.Records:N0} records ({summary.RereadRecords:N0} more re-read), {summary.Calls:N0} calls ({summary.RereadCalls:N0} re-reading), {summary.Throttles:N0} throttled")));
                }
            }
        }

        await work;
    }

    public async Task<RunSummary> ReadAsync(string runId, CancellationToken cancellationToken) =>
        await RunSummary.ReadAsync(ledger, await ledger.GetRunStateAsync(runId, cancellationToken) ?? throw new KeyNotFoundException($"No run '{runId}' in the ledger."), cancellationToken);
}
