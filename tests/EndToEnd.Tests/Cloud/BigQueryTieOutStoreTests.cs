using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google;
using XeroSync.Google.BigQuery;
using XeroSync.Tests.Gcs;
using XeroSync.TieOut;
using XeroSync.Warehouse;
using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The BigQuery warehouse's tie-out side against the BigQuery stand-in (<see cref="FakeBigQueryServer"/>), loaded the way
/// the pipeline loads: the simulated organisation's Organisation, Accounts and Journals records as NDJSON objects in the
/// Cloud Storage stand-in, one load job each, with one journal left out (a journal the sync never saw). What the warehouse
/// answers (journal totals per account, an account's journals, the journal numbers it lacks, the last date an account
/// agreed) is compared with what the test computes from the simulator's records; every request is one the stand-in checks.
/// </summary>
public sealed class BigQueryTieOutStoreTests
{
    private const string Bucket = "landing";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task The_warehouse_answers_the_tie_out_from_the_loaded_journals_and_keeps_checks_by_the_latest_check_rule()
    {
        var state = new SimulatorState(new SimulatorOptions { Tenants = 1, Scale = 0.05, ChangesPerMinute = 0 });
        var tenant = state.Tenants[0].TenantId;
        var journals = Journals(state, tenant);
        var numbers = journals.Select(j => j.Number).Order().ToList();
        var hidden = journals.Single(j => j.Number == numbers[numbers.Count / 2]);
        var seen = journals.Where(j => j.Number != hidden.Number).ToList();
        await using var gcs = await FakeGcsServer.StartAsync(Bucket);
        await using var bigQuery = await FakeBigQueryServer.StartAsync(gcs, Bucket);
        var warehouse = new BigQueryWarehouse(
            new BigQueryClient(
                new HttpClient(new GoogleAuthHandler(new GoogleEndpoint(GoogleService.BigQuery, bigQuery.BaseUri, IsEmulator: true), null) { InnerHandler = new SocketsHttpHandler() }),
                new GoogleClientOptions(GoogleEmulators.ProjectId, bigQuery.BaseUri),
                TimeProvider.System,
                NullLogger<BigQueryClient>.Instance),
            new BigQueryWarehouseOptions(GoogleEmulators.ProjectId, Bucket) { Location = "EU" },
            TimeProvider.System,
            NullLogger<BigQueryWarehouse>.Instance);
        foreach (var (endpoint, records) in new[]
        {
            ("Organisation", state.GetRecords(tenant, "Organisation").Values.ToList()),
            ("Accounts", state.GetRecords(tenant, "Accounts").Values.ToList()),
            ("Journals", seen.Select(j => j.Json).ToList()),
        })
        {
            var name = $"xero/{endpoint.ToLowerInvariant()}/tenant={tenant}/run=r1/page-00001.ndjson.gz";
            gcs.Put(name, Encoding.UTF8.GetBytes(string.Concat(records.Select((r, i) =>
                $"{{\"tenant_id\":\"{tenant}\",\"record_id\":\"{endpoint}-{i}\",\"updated_at\":null,\"run_id\":\"r1\",\"page\":1,\"fetched_at\":\"2026-12-01T00:00:00Z\",\"payload\":{r}}}\n"))));
            Assert.Equal(records.Count, await warehouse.LoadAsync(new LoadJob("load_" + endpoint, EndpointCatalog.Get(endpoint), [name], records.Count), Ct));
        }

        // Organisation: the financial year ends on FinancialYearEndDay of FinancialYearEndMonth; it starts the day after.
        using var organisation = JsonDocument.Parse(state.GetRecords(tenant, "Organisation").Values.Single());
        var endDay = organisation.RootElement.GetProperty("FinancialYearEndDay").GetInt32();
        var endMonth = organisation.RootElement.GetProperty("FinancialYearEndMonth").GetInt32();
        var date = hidden.Date;
        var lastEnd = new DateOnly(date.Year, endMonth, Math.Min(endDay, DateTime.DaysInMonth(date.Year, endMonth)));
        var yearStart = (lastEnd < date ? lastEnd : new DateOnly(date.Year - 1, endMonth, Math.Min(endDay, DateTime.DaysInMonth(date.Year - 1, endMonth)))).AddDays(1);

        var totals = await warehouse.GetJournalTotalsAsync(tenant, date, Ct);

        Assert.NotNull(totals);
        Assert.Equal(yearStart, totals.YearStart);
        Assert.Equal(RetainedEarnings(state, tenant), totals.RetainedEarningsAccountId);
        var expected = seen.Where(j => j.Date <= date).SelectMany(j => j.Lines.Select(l => (j.Date, l.AccountId, l.Net)))
            .GroupBy(l => l.AccountId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, ThisYear: g.Where(l => l.Date >= yearStart).Sum(l => l.Net), ToDate: g.Sum(l => l.Net)))
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, totals.Accounts.Select(a => (a.AccountId, a.ThisYear, a.ToDate)));

        Assert.Equal([(long)hidden.Number], await warehouse.GetMissingJournalNumbersAsync(tenant, Ct));

        var account = hidden.Lines[0].AccountId;
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var moved = seen.Where(j => j.Date >= monthStart && j.Date <= date && j.Lines.Any(l => l.AccountId == account))
            .Select(j => (j.Id, (long)j.Number, j.Date, j.Lines.Where(l => l.AccountId == account).Sum(l => l.Net)))
            .OrderBy(j => j.Date).ThenBy(j => j.Item2)
            .ToList();
        Assert.Equal(moved, (await warehouse.GetAccountJournalsAsync(tenant, account, monthStart, date, Ct)).Select(j => (j.JournalId, j.JournalNumber, j.Date, j.Amount)));

        // Kept checks: an earlier date that tied, then a later date where the account differed; the latest check of a date counts.
        var earlier = monthStart.AddDays(-1);
        var later = date;
        var before = later.AddDays(1);
        var checkedAt = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        Assert.Null(await warehouse.GetLastAgreedDateAsync(tenant, XeroReport.TrialBalance, account, before, Ct));
        await warehouse.SaveTieOutAsync(new TieOutRecord(new TieOutResult(tenant, earlier, 12, []), checkedAt, """{"Reports":[]}"""u8.ToArray()), Ct);
        await warehouse.SaveTieOutAsync(new TieOutRecord(new TieOutResult(tenant, later, 12, [new TieOutDifference(account, "Sales", 10m, 0m) { JournalsFrom = monthStart }]), checkedAt, null), Ct);
        Assert.Equal(earlier, await warehouse.GetLastAgreedDateAsync(tenant, XeroReport.TrialBalance, account, before, Ct));
        Assert.Equal(later, await warehouse.GetLastAgreedDateAsync(tenant, XeroReport.TrialBalance, "another-account", before, Ct));
        Assert.Null(await warehouse.GetLastAgreedDateAsync(tenant, XeroReport.BalanceSheet, account, before, Ct));
        await warehouse.SaveTieOutAsync(new TieOutRecord(new TieOutResult(tenant, later, 12, []), checkedAt.AddHours(1), null), Ct);
        Assert.Equal(later, await warehouse.GetLastAgreedDateAsync(tenant, XeroReport.TrialBalance, account, before, Ct));

        Assert.Equal(3, bigQuery.InsertedRows("xero_raw.tie_outs").Count);
        Assert.Single(bigQuery.InsertedRows("xero_raw.report_snapshots"));
        Assert.Single(bigQuery.InsertedRows("xero_raw.tie_out_differences"));
        Assert.Empty(bigQuery.Problems);
    }

    private static string RetainedEarnings(SimulatorState state, string tenant) =>
        state.GetRecords(tenant, "Accounts").Values
            .Select(a => JsonDocument.Parse(a).RootElement)
            .Single(a => a.TryGetProperty("SystemAccount", out var s) && s.GetString() == "RETAINEDEARNINGS")
            .GetProperty("AccountID").GetString()!;

    /// <summary>The simulator's journals as Xero documents them: JournalID, JournalNumber, JournalDate (<c>/Date(ms+0000)/</c>) and JournalLines' AccountID and NetAmount.</summary>
    private static List<(string Id, int Number, DateOnly Date, List<(string AccountId, decimal Net)> Lines, string Json)> Journals(SimulatorState state, string tenant) =>
        [.. state.GetRecords(tenant, "Journals").Values.Select(json =>
        {
            var journal = JsonDocument.Parse(json).RootElement;
            var text = journal.GetProperty("JournalDate").GetString()!;
            var ms = long.Parse(text.AsSpan(6, text.IndexOf('+', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture);
            var lines = journal.GetProperty("JournalLines").EnumerateArray().Select(l => (l.GetProperty("AccountID").GetString()!, l.GetProperty("NetAmount").GetDecimal())).ToList();
            return (journal.GetProperty("JournalID").GetString()!, journal.GetProperty("JournalNumber").GetInt32(), DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime), lines, json);
        })];
}
