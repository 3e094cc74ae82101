using System.Globalization;
using XeroSync.Tests;
using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>
/// Figure 7: Xero calls the real <c>sync</c> CLI makes against the fewest Xero's paging allows, computed from the
/// simulator's own records (as tests/EndToEnd.Tests does): a full sync, then changes in every changeable endpoint and
/// an incremental sync of the same data folder.
/// </summary>
public static class CallsFigure
{
    public const string Name = "Calls, full and incremental sync";
    public const string Target = "calls made / fewest possible = 1.00 (full and incremental)";

    private static readonly string[] Changed = ["Invoices", "Contacts", "BankTransactions", "CreditNotes", "Payments", "Items", "Accounts"];

    public static async Task<FigureResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var tenants = quick ? 1 : 2;
        await using var simulator = await BenchSimulator.StartAsync(tenants, quick ? 5_000 : 20_000, cancellationToken);
        var truth = simulator.State;
        using var data = new TempDirectory();

        var firstStart = truth.Clock.GetUtcNow();
        await SyncAsync(simulator, data.Path, cancellationToken);
        var fullMinimum = truth.Tenants.Sum(t => truth.EndpointRules.Sum(e => SimulatorTruth.MinimumCalls(truth, t.TenantId, e, truth.Count(t.TenantId, e.Name))));
        var fullCalls = truth.ApiCalls();
        var fullThrottled = truth.Throttled();
        var journalsAfterFirst = truth.Tenants.ToDictionary(t => t.TenantId, t => truth.Count(t.TenantId, "Journals"), StringComparer.Ordinal);

        // The organisation moves on: edits and inserts (which Xero journals too), stamped by the simulator's clock.
        foreach (var tenant in truth.Tenants)
        {
            foreach (var endpoint in Changed.Where(truth.Endpoints.Contains))
            {
                truth.ApplyChange(tenant.TenantId, endpoint, XeroSimulator.ChangeKind.Edit);
                truth.ApplyChange(tenant.TenantId, endpoint, XeroSimulator.ChangeKind.Insert);
            }
        }

        truth.ResetRequestLog();
        var before = truth.ApiCalls();
        await SyncAsync(simulator, data.Path, cancellationToken);
        var incrementalCalls = truth.ApiCalls() - before;
        var incrementalMinimum = 0;
        foreach (var tenant in truth.Tenants)
        {
            foreach (var endpoint in truth.EndpointRules)
            {
                var records = endpoint switch
                {
                    { Paging: "offset" } => truth.Count(tenant.TenantId, endpoint.Name) - journalsAfterFirst[tenant.TenantId],
                    { SupportsIfModifiedSince: true } => truth.CountModifiedSince(tenant.TenantId, endpoint.Name, firstStart),
                    _ => truth.Count(tenant.TenantId, endpoint.Name),
                };
                incrementalMinimum += SimulatorTruth.MinimumCalls(truth, tenant.TenantId, endpoint, records, firstStart);
            }
        }

        var full = (double)fullCalls / fullMinimum;
        var incremental = (double)incrementalCalls / incrementalMinimum;
        var values = new Dictionary<string, double>
        {
            ["tenants"] = tenants,
            ["records"] = BenchSimulator.CountRecords(truth),
            ["full_calls"] = fullCalls,
            ["full_minimum"] = fullMinimum,
            ["full_ratio"] = Math.Round(full, 3),
            ["full_throttled"] = fullThrottled,
            ["incremental_calls"] = incrementalCalls,
            ["incremental_minimum"] = incrementalMinimum,
            ["incremental_ratio"] = Math.Round(incremental, 3),
        };
        var measured = string.Create(CultureInfo.InvariantCulture, $"full {fullCalls}/{fullMinimum} = {full:F2}; incremental {incrementalCalls}/{incrementalMinimum} = {incremental:F2} ({tenants} organisations, {values["records"]:N0} records, {fullThrottled} throttled)");
        return new FigureResult(7, Name, Target, measured, "`sync` CLI twice on one data folder; fewest calls per endpoint from the simulator's records and paging rules, plus one by-id call per budget and contact group (tests/EndToEnd.Tests/SimulatorTruth.cs), changes since the first sync's start for If-Modified-Since endpoints, new journals for Journals", full == 1 && incremental == 1, values);
    }

    private static async Task SyncAsync(XeroSimulatorHost simulator, string data, CancellationToken cancellationToken)
    {
        var run = await SyncCli.RunAsync(simulator, data, TimeSpan.FromMinutes(10), cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"sync exited {run.ExitCode}:\n{run.Tail()}");
        }
    }
}
