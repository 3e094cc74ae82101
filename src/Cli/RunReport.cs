using Spectre.Console;
using XeroSync.Cli.Local;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary>Follows a local run to the end, prints its tables and says what to do about problems.</summary>
public static class RunReport
{
    public static async Task<int> FollowAndSummariseAsync(LocalPipeline pipeline, RunLog log, string runId, bool perTenant, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(context);
        var view = new RunProgressView(context.Console, pipeline.Ledger, context.Time);
        await view.FollowAsync(runId, pipeline.WaitForIdleAsync(cancellationToken), cancellationToken);
        await pipeline.RecordUsageAsync(runId, cancellationToken);
        var summary = await view.ReadAsync(runId, cancellationToken);
        context.Console.Write(RunTables.ByEndpoint(summary, $"Run {runId}"));
        if (perTenant)
        {
            context.Console.Write(RunTables.ByTenant(summary));
        }

        RunTables.WriteVerificationNotes(context.Console, summary);
        EgressLines.Write(context.Console, summary, perTenant);
        foreach (var over in await pipeline.Egress.OverBudgetAsync(summary.State.Run.Tenants, cancellationToken))
        {
            context.Console.MarkupLine(Markup.Escape("Warning: " + over));
        }

        if (summary.State.Run is { Reconcile: null, Full: true })
        {
            // A full sync planned within the egress budget: what it deferred, as a reconcile's report says it.
            foreach (var deferred in (await pipeline.Ledger.GetTenantPlansAsync(runId, cancellationToken)).SelectMany(p => p.Endpoints).Where(e => e.Note is not null))
            {
                context.Console.MarkupLine(Markup.Escape($"  {deferred.TenantId} {deferred.Endpoint}: deferred: {deferred.Note}"));
            }
        }

        await SkipLines.WriteAsync(context.Console, pipeline.Ledger, summary, cancellationToken);
        context.Console.MarkupLine(Markup.Escape($"Warehouse: {pipeline.Settings.WarehousePath} (schemas xero_raw, xero and xero_typed); ask it with `query \"SQL\"`"));
        if (log.LinesWritten() is > 0 and var lines)
        {
            context.Console.MarkupLine(Markup.Escape($"Log: {lines} line(s) from this run in {log.Path}"));
        }

        if (pipeline.DeadLettered + pipeline.Poisoned > 0)
        {
            context.Console.MarkupLine(Markup.Escape($"{pipeline.DeadLettered} dead-lettered and {pipeline.Poisoned} poison message(s) in {pipeline.Settings.DeadLetterDirectory}"));
        }

        if (summary.Phase != RunPhase.Complete)
        {
            context.Console.MarkupLine(Markup.Escape(
                $"Run {runId} is {summary.Phase.ToString().ToLowerInvariant()}: some pages failed or were deferred (daily limit or monthly egress budget), a load did not finish, or records kept moving while an endpoint was read (see above). `retry {runId}` finishes it; the next sync also re-reads what is missing."));
            return ExitCodes.Partial;
        }

        return ExitCodes.Success;
    }
}
