using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>
/// The one owner of the monthly egress budgets (<see cref="PipelineOptions.EgressBudgetBytes"/> for the app,
/// <see cref="PipelineOptions.TenantEgressBudgetBytes"/> for each organisation): bytes received from Xero in the calendar month
/// (UTC), as the ledger counted them (every call of every run, a reconcile's probe included). Both are read from the ledger's
/// runs that started since the first day of the previous month (the newest <see cref="HistoryRuns"/>), and only when a budget
/// is set. A reconcile and a full sync plan within them (<see cref="AllowancesAsync"/>, admitted by <see cref="EgressAdmission"/>);
/// an incremental sync is never held by them, only reported (<see cref="OverBudgetAsync"/>).
/// </summary>
public sealed partial class EgressBudget(IRunLedger ledger, IOptions<PipelineOptions> options, TimeProvider time, ILogger<EgressBudget> logger)
{
    /// <summary>How many of the newest runs are read for the month's usage and the measured bytes per record.</summary>
    public const int HistoryRuns = 2000;

    /// <summary>Whether any egress budget is set.</summary>
    public bool IsSet => options.Value.EgressBudgetBytes is not null || options.Value.TenantEgressBudgetBytes is not null;

    /// <summary>
    /// Per organisation of a reconcile: what its reads may receive, under whichever budget leaves less: its own budget less
    /// what it received this month, or the app's budget less what every organisation received this month, shared equally by
    /// the reconcile's organisations (so organisations prepared at the same time never together exceed it). With each, the
    /// organisation's measured bytes per record per endpoint. Empty when no budget is set.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, EgressAllowance>> AllowancesAsync(IReadOnlyList<string> tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var allowances = new Dictionary<string, EgressAllowance>(StringComparer.Ordinal);
        if (!IsSet || tenants.Count == 0)
        {
            return allowances;
        }

        var month = await ReadMonthAsync(cancellationToken);
        var appUsed = month.Used.Values.Sum();
        foreach (var tenant in tenants)
        {
            var used = month.Used.GetValueOrDefault(tenant);
            EgressAllowance? own = options.Value.TenantEgressBudgetBytes is { } perTenant
                ? new EgressAllowance { BudgetBytes = perTenant, UsedBytes = used, AllowanceBytes = Math.Max(0, perTenant - used) }
                : null;
            EgressAllowance? app = options.Value.EgressBudgetBytes is { } appBudget
                ? new EgressAllowance { AppWide = true, BudgetBytes = appBudget, UsedBytes = appUsed, AllowanceBytes = Math.Max(0, appBudget - appUsed) / tenants.Count }
                : null;
            var binding = own is null || (app is not null && app.AllowanceBytes < own.AllowanceBytes) ? app! : own;
            allowances[tenant] = binding with { BytesPerRecord = month.BytesPerRecord(tenant) };
        }

        return allowances;
    }

    /// <summary>
    /// The budgets the month's usage has gone over, as one line each (the app's, and each of <paramref name="tenants"/>' own):
    /// reported after a sync (an incremental one is never held back by them). Empty when no budget is set or none is exceeded.
    /// </summary>
    public async Task<IReadOnlyList<string>> OverBudgetAsync(IReadOnlyList<string> tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        if (!IsSet)
        {
            return [];
        }

        var month = await ReadMonthAsync(cancellationToken);
        var over = new List<string>();
        var appUsed = month.Used.Values.Sum();
        if (options.Value.EgressBudgetBytes is { } app && appUsed > app)
        {
            over.Add($"monthly egress budget of {Megabytes(app)} MB for all organisations exceeded: {Megabytes(appUsed)} MB received this month (reconciles and full syncs are deferred; incremental syncs still run)");
        }

        if (options.Value.TenantEgressBudgetBytes is { } perTenant)
        {
            foreach (var tenant in tenants.Where(t => month.Used.GetValueOrDefault(t) > perTenant))
            {
                over.Add($"monthly egress budget of {Megabytes(perTenant)} MB for tenant {tenant} exceeded: {Megabytes(month.Used[tenant])} MB received this month (reconciles and full syncs are deferred; incremental syncs still run)");
            }
        }

        foreach (var line in over)
        {
            Log.OverBudget(logger, line);
        }

        return over;
    }

    /// <summary>Why an endpoint is deferred by the allowance: the budget named, with what was used and what the endpoint needs.</summary>
    public static string DeferredNote(string tenantId, EgressAllowance allowance, long estimatedBytes)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        var whose = allowance.AppWide ? "all organisations" : $"tenant {tenantId}";
        var left = allowance.AppWide ? $"{Megabytes(allowance.AllowanceBytes)} MB of it left for this organisation" : $"{Megabytes(allowance.AllowanceBytes)} MB left";
        return $"monthly egress budget of {Megabytes(allowance.BudgetBytes)} MB for {whose} would be exceeded (used {Megabytes(allowance.UsedBytes)} MB, {left}; about {Megabytes(estimatedBytes)} MB needed)";
    }

    /// <summary>Bytes as megabytes (1,000,000 bytes) with up to three decimals.</summary>
    public static string Megabytes(long bytes) =>
        ((decimal)bytes / PipelineOptions.BytesPerMegabyte).ToString("0.###", CultureInfo.InvariantCulture);

    private async Task<MonthUsage> ReadMonthAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var monthStart = new DateOnly(today.Year, today.Month, 1);

        // A run that started last month may have read into this one (a day limit defers it to the next day).
        var since = new DateTimeOffset(monthStart.AddMonths(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var month = new MonthUsage();
        foreach (var run in (await ledger.ListRunsAsync(HistoryRuns, cancellationToken)).Where(r => r.StartedAt >= since))
        {
            foreach (var endpoint in await ledger.GetRunEndpointsAsync(run.RunId, cancellationToken))
            {
                month.Add(run, endpoint, monthStart);
            }
        }

        return month;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 570, Level = LogLevel.Warning, Message = "Egress: {Line}")]
        public static partial void OverBudget(ILogger logger, string line);
    }
}
