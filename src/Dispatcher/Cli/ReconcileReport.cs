using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Dispatcher.Cli;

/// <summary>What a reconcile planned (budgets, deferrals) and what it cost (calls, ids swept, deletes found), per tenant and endpoint.</summary>
public static class ReconcileReport
{
    public static void WritePlan(StartedReconcile planned, string dataDirectory, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(context);
        context.Console.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"Reconcile {planned.Run.RunId}: {planned.Run.Tenants.Count} tenant(s), {planned.Messages} endpoint read(s) published, {planned.Endpoints.Count(e => e.Deferred)} deferred for budget; data in {dataDirectory}")));
        foreach (var budget in planned.Budgets)
        {
            context.Console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"  {budget.TenantId}: Xero says {(budget.DayRemaining is int left ? left.ToString("N0", CultureInfo.InvariantCulture) : "(not sent)")} calls left today, {budget.Reserve:N0} kept for incrementals{(budget.Requested is int cap ? $", capped at {cap:N0}" : string.Empty)}: budget {budget.Budget:N0} calls after a {budget.ProbeCalls}-call probe")));
        }
    }

    public static async Task WriteCostAsync(IRunLedger ledger, StartedReconcile planned, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(context);
        var states = (await ledger.GetRunEndpointsAsync(planned.Run.RunId, cancellationToken))
            .ToDictionary(s => (s.TenantId, s.Endpoint));
        var table = new Table { Title = new TableTitle(Markup.Escape($"Reconcile {planned.Run.RunId}: cost and findings")) };
        table.AddColumn("Tenant");
        table.AddColumn("Endpoint");
        table.AddColumn("Read as");
        table.AddColumn(new TableColumn("Est. calls").RightAligned());
        table.AddColumn(new TableColumn("Calls").RightAligned());
        table.AddColumn(new TableColumn("Ids swept").RightAligned());
        table.AddColumn(new TableColumn("Deletes found").RightAligned());
        table.AddColumn("Status");
        foreach (var plan in planned.Endpoints.OrderBy(p => p.TenantId, StringComparer.Ordinal).ThenBy(p => p.Endpoint, StringComparer.Ordinal))
        {
            states.TryGetValue((plan.TenantId, plan.Endpoint), out var state);
            var status = plan.Deferred ? "deferred (budget)" : state is null ? "running" : RunSummary.Status(state);
            table.AddRow(
                Markup.Escape(plan.TenantId),
                Markup.Escape(plan.Endpoint),
                plan.SweepOnly ? "id sweep (summaryOnly)" : "full refresh",
                Number(plan.EstimatedCalls),
                Number(state?.Calls ?? 0),
                state?.Swept is long swept ? Number(swept) : "-",
                state?.Deletes is long deletes ? Number(deletes) : "-",
                Markup.Escape(status));
        }

        foreach (var budget in planned.Budgets)
        {
            var calls = states.Values.Where(s => s.TenantId == budget.TenantId).Sum(s => s.Calls);
            table.AddRow(
                "[bold]" + Markup.Escape(budget.TenantId) + "[/]",
                "[bold]total[/]",
                string.Empty,
                Number(planned.Endpoints.Where(e => e.TenantId == budget.TenantId && !e.Deferred).Sum(e => e.EstimatedCalls)),
                Number(calls + budget.ProbeCalls),
                Number(states.Values.Where(s => s.TenantId == budget.TenantId).Sum(s => s.Swept ?? 0)),
                Number(states.Values.Where(s => s.TenantId == budget.TenantId).Sum(s => s.Deletes ?? 0)),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{calls + budget.ProbeCalls} of {budget.Budget + budget.ProbeCalls} calls (probe included)")));
        }

        context.Console.Write(table);
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
