using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Cli;

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
        foreach (var budget in planned.Budgets)
        {
            // One table per organisation: the endpoint rows stay readable in an 80-column terminal.
            var table = new Table { Title = new TableTitle(Markup.Escape($"Reconcile {planned.Run.RunId}, tenant {budget.TenantId}: cost and findings")) };
            table.AddColumn(new TableColumn("Endpoint").NoWrap());
            table.AddColumn("Read as");
            table.AddColumn(new TableColumn("Est.").RightAligned());
            table.AddColumn(new TableColumn("Calls").RightAligned());
            table.AddColumn(new TableColumn("Ids swept").RightAligned());
            table.AddColumn(new TableColumn("Deletes").RightAligned());
            table.AddColumn("Status");
            var mine = planned.Endpoints.Where(p => p.TenantId == budget.TenantId).OrderBy(p => p.Endpoint, StringComparer.Ordinal).ToList();
            var calls = 0;
            long swept = 0, deletes = 0;
            foreach (var plan in mine)
            {
                states.TryGetValue((plan.TenantId, plan.Endpoint), out var state);
                calls += state?.Calls ?? 0;
                swept += state?.Swept ?? 0;
                deletes += state?.Deletes ?? 0;
                var status = plan.Deferred ? plan.Note is null ? "deferred (budget)" : "deferred (egress budget)" : state is null ? "running" : RunSummary.Status(state);
                table.AddRow(
                    Markup.Escape(plan.Endpoint),
                    plan.SweepOnly ? "id sweep" : "refresh",
                    Number(plan.EstimatedCalls),
                    Number(state?.Calls ?? 0),
                    state?.Swept is long s ? Number(s) : "-",
                    state?.Deletes is long d ? Number(d) : "-",
                    Markup.Escape(status));
            }

            table.AddRow(
                "[bold]total[/]",
                string.Empty,
                Number(mine.Where(e => !e.Deferred).Sum(e => e.EstimatedCalls)),
                Number(calls + budget.ProbeCalls),
                Number(swept),
                Number(deletes),
                string.Empty);
            context.Console.Write(table);
            foreach (var deferred in mine.Where(p => p.Note is not null))
            {
                context.Console.MarkupLine(Markup.Escape($"  {budget.TenantId} {deferred.Endpoint}: deferred: {deferred.Note}"));
            }

            context.Console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"  {budget.TenantId}: {calls + budget.ProbeCalls:N0} of {budget.Budget + budget.ProbeCalls:N0} calls (probe included), {swept:N0} ids swept, {deletes:N0} deletes found, {mine.Count(e => e.Deferred)} endpoint(s) deferred for budget")));
        }
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
