using System.IO.Compression;
using System.Text;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;
using XeroSync.Pipeline;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Tests.Pipeline;

/// <summary>
/// A detail endpoint's plan comes from the parent's list page as the run stored it: page n is the n-th selected record
/// in the object's line order; nothing until the list is done; only records changed since the watermark on an
/// incremental run (a record without a timestamp always). Lines written here by hand, not by the code under test.
/// </summary>
public sealed class DetailPlanTests : IDisposable
{
    private const string Tenant = "41f356cf-8d89-4e5f-bb75-2eebc39e4a1e";
    private const string First = "0a4e7a52-0000-4000-8000-000000000001";
    private const string Second = "0a4e7a52-0000-4000-8000-000000000002";
    private const string Third = "0a4e7a52-0000-4000-8000-000000000003";

    private static readonly DateTimeOffset Started = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Nothing_is_planned_until_the_list_page_is_done_then_every_record_in_line_order()
    {
        var (ledger, objects, key) = await OpenAsync();
        var pending = await DetailPlan.ReadAsync(ledger, objects, key, null, Token);
        Assert.Null(pending.RecordIds);
        Assert.Equal(PageStatus.Pending, pending.Parent?.Status);

        await StoreListAsync(ledger, objects, key, (Second, "2026-11-01T10:00:00.000Z"), (First, "2026-11-02T10:00:00.000Z"), (Third, null));
        var plan = await DetailPlan.ReadAsync(ledger, objects, key, null, Token);
        Assert.Equal([Second, First, Third], plan.RecordIds);
        Assert.Equal(3, plan.LastPage);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_incremental_plan_keeps_records_changed_at_or_after_the_watermark_and_those_without_a_timestamp()
    {
        var (ledger, objects, key) = await OpenAsync();
        await StoreListAsync(ledger, objects, key, (First, "2026-11-01T08:59:59.000Z"), (Second, "2026-11-01T09:00:00.000Z"), (Third, null));
        var plan = await DetailPlan.ReadAsync(ledger, objects, key, new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero), Token);
        Assert.Equal([Second, Third], plan.RecordIds);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_empty_list_plans_one_page_to_read_without_a_call_and_an_ended_list_plans_nothing()
    {
        var (ledger, objects, key) = await OpenAsync();
        await ledger.RecordPageDoneAsync(new PageDone(key, 1, 0, null, null, null, true, 1), Token);
        var empty = await DetailPlan.ReadAsync(ledger, objects, key, null, Token);
        Assert.Empty(empty.RecordIds!);
        Assert.Equal(1, empty.LastPage);

        var (ledger2, objects2, key2) = await OpenAsync("20261102T090000Z-00000b");
        await ledger2.RecordPageEndedAsync(key2, 1, null, PageStatus.NotEntitled, "not entitled (401)", Token);
        var ended = await DetailPlan.ReadAsync(ledger2, objects2, key2, null, Token);
        Assert.Null(ended.RecordIds);
        Assert.Equal(PageStatus.NotEntitled, ended.Parent?.Status);
    }

    public void Dispose() => _temp.Dispose();

    private async Task<(IRunLedger Ledger, IObjectStore Objects, EndpointKey Key)> OpenAsync(string runId = "20261102T090000Z-00000a")
    {
        var ledger = new SqliteRunLedger(SqliteStateDatabase.InFolder(Path.Combine(_temp.Path, runId)), TimeProvider.System);
        await ledger.CreateRunAsync(
            new RunInfo(runId, Started, [Tenant], ["Budgets", "BudgetsDetails"], false),
            [new EndpointOpening(Tenant, "Budgets", null, true), new EndpointOpening(Tenant, "BudgetsDetails", null, false)],
            Token);
        return (ledger, new FolderObjectStore(Path.Combine(_temp.Path, runId, "objects")), new EndpointKey(runId, Tenant, "Budgets"));
    }

    /// <summary>The list page as the NDJSON contract writes it (DESIGN.md), recorded done in the ledger.</summary>
    private static async Task StoreListAsync(IRunLedger ledger, IObjectStore objects, EndpointKey key, params (string Id, string? UpdatedAt)[] records)
    {
        var lines = new StringBuilder();
        foreach (var (id, updated) in records)
        {
            var updatedAt = updated is null ? "null" : $"\"{updated}\"";
            lines.Append($"{{\"tenant_id\":\"{Tenant}\",\"record_id\":\"{id}\",\"updated_at\":{updatedAt},\"run_id\":\"{key.RunId}\",\"page\":1,\"fetched_at\":\"2026-11-02T09:00:01.000Z\",\"payload\":{{\"BudgetID\":\"{id}\"}}}}\n");
        }

        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), Token);
        }

        var name = ObjectNames.Page(key.RunId, key.TenantId, EndpointCatalog.Get(key.Endpoint), 1);
        Assert.True(await objects.CreateIfAbsentAsync(name, buffer.ToArray(), "application/x-ndjson", Token));
        await ledger.RecordPageDoneAsync(new PageDone(key, 1, records.Length, name, null, null, true, 1), Token);
    }
}
