using System.Text.Json;
using XeroSync.Xero;

namespace XeroSync.TieOut;

/// <summary>
/// One organisation's tie-out at each of some dates: Xero's Trial Balance and Balance Sheet (one call each, under the same
/// rate limiter as every read) against the balances the warehouse's journals make, account by account. A report whose scope
/// the connection does not grant is skipped with the scope named; a report Xero refuses or that cannot be parsed is a
/// failed check with the reason. Each account that differs comes with the warehouse's journals behind it
/// (<see cref="TieOutExplanation"/>). Each check is kept in the warehouse with the report as Xero sent it. Both shapes run
/// it: <c>sync --tie-out</c> over DuckDB, the Worker's tie-out message over BigQuery.
/// </summary>
public sealed class TieOutRunner
{
    private readonly XeroApiClient _xero;
    private readonly IJournalTotalsSource _journals;
    private readonly ITieOutStore _store;
    private readonly TimeProvider _time;

    public TieOutRunner(XeroApiClient xero, IJournalTotalsSource journals, ITieOutStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(xero);
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _xero = xero;
        _journals = journals;
        _store = store;
        _time = time;
    }

    /// <summary>
    /// Ties out each of <paramref name="tenants"/> (id and name) at each of <paramref name="dates"/>, both reports, keeping every
    /// check; <paramref name="deadline"/> bounds each wait for a rate-limit permit (null: no bound).
    /// </summary>
    public async Task<IReadOnlyList<TieOutResult>> RunAsync(IReadOnlyList<(string TenantId, string? TenantName)> tenants, IReadOnlyList<DateOnly> dates, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(dates);
        var results = new List<TieOutResult>();
        var explanation = new TieOutExplanation(_journals, _store);
        foreach (var (tenantId, tenantName) in tenants)
        {
            foreach (var date in dates)
            {
                var totals = await _journals.GetJournalTotalsAsync(tenantId, date, cancellationToken);
                foreach (var report in (XeroReport[])[XeroReport.TrialBalance, XeroReport.BalanceSheet])
                {
                    var (result, json) = await CheckAsync(tenantId, report, date, totals, explanation, deadline, cancellationToken);
                    result = result with { TenantName = tenantName, Report = report };
                    await _store.SaveTieOutAsync(new TieOutRecord(result, _time.GetUtcNow(), json), cancellationToken);
                    results.Add(result);
                }
            }
        }

        return results;
    }

    private async Task<(TieOutResult Result, byte[]? Json)> CheckAsync(string tenantId, XeroReport report, DateOnly date, JournalTotals? totals, TieOutExplanation explanation, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var name = report == XeroReport.BalanceSheet ? "Balance Sheet" : "Trial Balance";
        if (totals is null)
        {
            return (TieOutResult.Failed(tenantId, date, "the warehouse holds no Organisation record for it (sync Organisation first)"), null);
        }

        byte[] json;
        try
        {
            json = await _xero.GetReportAsync(tenantId, report, date, deadline, cancellationToken);
        }
        catch (XeroApiException ex) when (ex.Failure == XeroFailure.ScopeNotGranted && ex.Detail is { } scope)
        {
            return (TieOutResult.Skip(tenantId, date, scope), null);
        }
        catch (XeroApiException ex)
        {
            return (TieOutResult.Failed(tenantId, date, $"Xero's {name} could not be read: {ex.Message}"), null);
        }

        try
        {
            var result = report == XeroReport.BalanceSheet
                ? TrialBalanceComparison.Compare(tenantId, date, XeroBalanceSheet.Parse(json), TrialBalanceComparison.BalanceSheetFromJournals(totals))
                : TrialBalanceComparison.Compare(tenantId, date, XeroTrialBalance.Parse(json), TrialBalanceComparison.FromJournals(totals));
            return (await explanation.ExplainAsync(result with { Report = report }, cancellationToken), json);
        }
        catch (JsonException ex)
        {
            return (TieOutResult.Failed(tenantId, date, $"Xero's {name} could not be read: {ex.Message}"), json);
        }
    }
}
