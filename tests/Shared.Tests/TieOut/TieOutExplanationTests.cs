using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Pipeline;
using XeroSync.Storage;
using XeroSync.TieOut;
using XeroSync.Warehouse;
using XeroSync.Warehouse.Local;
using XeroSync.Xero;

namespace XeroSync.Tests.TieOut;

/// <summary>
/// The records behind a tie-out's differences, read from a real DuckDB warehouse loaded with journals written here as Xero's
/// GET /Journals returns them (developer.xero.com/documentation/api/journals): the warehouse is asked for an organisation's
/// journal numbers once per tie-out however many of its reports and dates differ, and a journal window starts after the
/// latest date whose latest kept check found the account agreeing.
/// </summary>
public sealed class TieOutExplanationTests : IDisposable
{
    private const string TenantA = "a1b2c3d4-0000-4000-8000-000000000001";
    private const string TenantB = "a1b2c3d4-0000-4000-8000-000000000002";
    private const string Bank = "0a000000-0000-4000-8000-00000000b001";
    private const string Equity = "0a000000-0000-4000-8000-00000000e001";

    private static readonly DateOnly[] MonthEnds = [new(2026, 8, 31), new(2026, 9, 30), new(2026, 10, 31)];

    private readonly TempDirectory _temp = new();
    private readonly FolderObjectStore _objects;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 3, 4, 5, TimeSpan.Zero));

    public TieOutExplanationTests() => _objects = new FolderObjectStore(Path.Combine(_temp.Path, "objects"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Each_organisations_journal_numbers_are_asked_for_once_per_tie_out()
    {
        await using var warehouse = NewWarehouse();
        // Organisation A holds journals 1, 2, 4 and 5 (3 is not in the warehouse); B holds 1 and 3.
        await LoadJournalsAsync(warehouse, "a", TenantA, (1, new DateOnly(2026, 8, 10), 100m), (2, new DateOnly(2026, 9, 10), 20m), (4, new DateOnly(2026, 10, 5), 7m), (5, new DateOnly(2026, 10, 20), 3m));
        await LoadJournalsAsync(warehouse, "b", TenantB, (1, new DateOnly(2026, 9, 1), 50m), (3, new DateOnly(2026, 10, 1), 5m));
        var counting = new CountingTieOutWarehouse(warehouse);
        var explanation = new TieOutExplanation(counting, counting);

        // The default tie-out: each organisation at three month ends in two reports, each result with the bank account differing.
        var explained = new List<TieOutResult>();
        foreach (var tenant in (string[])[TenantA, TenantB])
        {
            foreach (var date in MonthEnds)
            {
                foreach (var report in (XeroReport[])[XeroReport.TrialBalance, XeroReport.BalanceSheet])
                {
                    var result = new TieOutResult(tenant, date, 2, [new TieOutDifference(Bank, "Bank", 1m, 0m)]) { Report = report };
                    explained.Add(await explanation.ExplainAsync(result, Ct));
                }
            }
        }

        // A result that ties asks nothing.
        var ties = new TieOutResult(TenantA, MonthEnds[0], 2, []);
        Assert.Same(ties, await explanation.ExplainAsync(ties, Ct));

        Assert.Equal(2, counting.MissingJournalNumbersQueries);
        Assert.All(explained.Take(6), r => Assert.Equal([3L], r.MissingJournalNumbers));
        Assert.All(explained.Skip(6), r => Assert.Equal([2L], r.MissingJournalNumbers));
        // The journals behind each difference are still asked per result: they depend on its date.
        Assert.Equal(12, counting.AccountJournalsQueries);
        Assert.Equal(12, counting.LastAgreedQueries);
        Assert.Equal([4L, 5L], explained[4].Differences[0].Journals.Select(j => j.JournalNumber));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_date_counts_as_agreeing_only_when_its_latest_kept_check_agreed()
    {
        await using var warehouse = NewWarehouse();
        var checkedAt = _time.GetUtcNow();
        async Task SaveAsync(XeroReport report, DateOnly date, params TieOutDifference[] differences)
        {
            checkedAt = checkedAt.AddMinutes(1);
            await warehouse.SaveTieOutAsync(new TieOutRecord(new TieOutResult(TenantA, date, 2, differences) { Report = report }, checkedAt, null), Ct);
        }

        var bankDiffers = new TieOutDifference(Bank, "Bank", 1m, 0m);
        // Trial Balance: every month end agreed; then the middle month end was checked again and the bank differed.
        await SaveAsync(XeroReport.TrialBalance, MonthEnds[0]);
        await SaveAsync(XeroReport.TrialBalance, MonthEnds[1]);
        await SaveAsync(XeroReport.TrialBalance, MonthEnds[1], bankDiffers);
        // Balance Sheet: the middle month end differed on the bank first, then a later check of it agreed.
        await SaveAsync(XeroReport.BalanceSheet, MonthEnds[0], bankDiffers);
        await SaveAsync(XeroReport.BalanceSheet, MonthEnds[1], bankDiffers);
        await SaveAsync(XeroReport.BalanceSheet, MonthEnds[1]);

        Assert.Equal(MonthEnds[0], await warehouse.GetLastAgreedDateAsync(TenantA, XeroReport.TrialBalance, Bank, MonthEnds[2], Ct));
        Assert.Equal(MonthEnds[1], await warehouse.GetLastAgreedDateAsync(TenantA, XeroReport.TrialBalance, Equity, MonthEnds[2], Ct));
        Assert.Equal(MonthEnds[1], await warehouse.GetLastAgreedDateAsync(TenantA, XeroReport.BalanceSheet, Bank, MonthEnds[2], Ct));
        Assert.Null(await warehouse.GetLastAgreedDateAsync(TenantA, XeroReport.BalanceSheet, Bank, MonthEnds[1], Ct));
    }

    private DuckDbWarehouse NewWarehouse() => new(Path.Combine(_temp.Path, "warehouse.duckdb"), _objects, _time, new FakeLogger<DuckDbWarehouse>());

    /// <summary>Loads journals of one organisation, each moving <paramref name="journals"/>' amount from equity to the bank.</summary>
    private async Task LoadJournalsAsync(DuckDbWarehouse warehouse, string name, string tenant, params (int Number, DateOnly Date, decimal Amount)[] journals)
    {
        var endpoint = EndpointCatalog.Get("Journals");
        await warehouse.EnsureTablesAsync(EndpointCatalog.All.ToList(), Ct);
        var lines = journals.Select(j =>
        {
            var ms = new DateTimeOffset(j.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            var id = string.Create(CultureInfo.InvariantCulture, $"{name}-journal-{j.Number}");
            var payload = string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"JournalID":"{{id}}","JournalDate":"\/Date({{ms}}+0000)\/","JournalNumber":{{j.Number}},"CreatedDateUTC":"\/Date({{ms}}+0000)\/","JournalLines":[{"JournalLineID":"{{id}}-1","AccountID":"{{Bank}}","AccountCode":"090","AccountType":"BANK","AccountName":"Bank","NetAmount":{{j.Amount}},"GrossAmount":{{j.Amount}},"TaxAmount":0.0,"TrackingCategories":[]},{"JournalLineID":"{{id}}-2","AccountID":"{{Equity}}","AccountCode":"970","AccountType":"EQUITY","AccountName":"Owner Funds","NetAmount":{{-j.Amount}},"GrossAmount":{{-j.Amount}},"TaxAmount":0.0,"TrackingCategories":[]}]}""");
            return string.Create(CultureInfo.InvariantCulture, $$"""{"tenant_id":"{{tenant}}","record_id":"{{id}}","updated_at":null,"run_id":"r1","page":1,"fetched_at":"2026-11-01T00:00:00Z","payload":{{payload}}}""");
        });
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), Ct);
        }

        var objectName = $"xero/journals/tenant={tenant}/run=r1/{name}.ndjson.gz";
        Assert.True(await _objects.CreateIfAbsentAsync(objectName, buffer.ToArray(), "application/gzip", Ct));
        Assert.Equal(journals.Length, await warehouse.LoadAsync(new LoadJob($"job-{name}", endpoint, [objectName], journals.Length), Ct));
    }
}
