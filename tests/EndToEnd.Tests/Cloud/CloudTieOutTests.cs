using System.Globalization;
using System.Net;
using System.Text.Json;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The tie-out in the cloud shape: POST /tie-out on the Dispatcher answers 202 and publishes one tie-out per organisation on
/// the fetch topic; the Worker reads Xero's Trial Balance and Balance Sheet at each date (the simulator's request log: exactly
/// those calls, one per organisation, report and date) and keeps each check in BigQuery's raw dataset. The simulator's
/// reports are made from its own ledger, and a sync landed every journal, so every check ties. Bad input is refused before
/// anything is published.
/// </summary>
public sealed class CloudTieOutTests(GoogleEmulators emulators)
{
    private static readonly string[] Endpoints = ["Organisation", "Accounts", "Journals"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_cloud_tie_out_reads_each_report_once_per_organisation_and_date_and_keeps_every_check_in_bigquery()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token);
        var sync = await cloud.StartRunAsync(Token, Endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(sync, Timeout, Token, "complete", "partial"));
        cloud.Truth.ResetRequestLog();

        var (status, body) = await cloud.StartTieOutAsync(new { months = 2 }, Token);

        Assert.True(status == HttpStatusCode.Accepted, body);
        // The last day of each of the two months before this one (UTC), oldest first.
        var firstOfMonth = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
        string[] dates = [firstOfMonth.AddMonths(-1).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), firstOfMonth.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];
        using (var accepted = JsonDocument.Parse(body))
        {
            Assert.Equal(cloud.Truth.Tenants.Select(t => t.TenantId).Order(StringComparer.Ordinal), accepted.RootElement.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(dates, accepted.RootElement.GetProperty("dates").EnumerateArray().Select(d => d.GetString()!));
        }

        var checks = cloud.Truth.Tenants.Count * dates.Length * 2;
        Assert.True(await cloud.BigQuery.WaitForInsertedAsync("xero_raw.tie_outs", checks, Timeout, Token), $"{cloud.BigQuery.InsertedRows("xero_raw.tie_outs").Count} of {checks} checks kept");

        // Exactly one call per organisation, report and date, each for its own date; nothing else asked of Xero for an organisation.
        var calls = cloud.Truth.Requests.Where(r => r.TenantId is not null).ToList();
        var expected = cloud.Truth.Tenants.SelectMany(t => dates.SelectMany(d => new[] { (t.TenantId, "Reports/TrialBalance", d), (t.TenantId, "Reports/BalanceSheet", d) }))
            .Order().ToList();
        Assert.Equal(expected, calls.Select(c => (c.TenantId!, c.Endpoint!, System.Web.HttpUtility.ParseQueryString(new Uri(cloud.Simulator.BaseUrl, c.PathAndQuery).Query)["date"]!)).Order().ToList());
        Assert.All(calls, c => Assert.Equal(200, c.StatusCode));

        var kept = cloud.BigQuery.InsertedRows("xero_raw.tie_outs");
        Assert.Equal(
            cloud.Truth.Tenants.SelectMany(t => dates.SelectMany(d => new[] { (t.TenantId, "TrialBalance", d), (t.TenantId, "BalanceSheet", d) })).Order().ToList(),
            kept.Select(r => (r.GetProperty("tenant_id").GetString()!, r.GetProperty("report").GetString()!, r.GetProperty("as_at").GetString()!)).Order().ToList());
        Assert.All(kept, r => Assert.True(r.GetProperty("ties").GetBoolean(), r.ToString()));
        Assert.Equal(checks, cloud.BigQuery.InsertedRows("xero_raw.report_snapshots").Count);
        Assert.All(cloud.BigQuery.InsertedRows("xero_raw.report_snapshots"), r =>
            Assert.Contains(JsonDocument.Parse(r.GetProperty("report_json").GetString()!).RootElement.GetProperty("ReportType").GetString(), (string[])["TrialBalance", "BalanceSheet"]));
        Assert.Empty(cloud.BigQuery.InsertedRows("xero_raw.tie_out_differences"));
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact(Timeout = 300_000)]
    public async Task Bad_tie_out_requests_are_refused_before_anything_is_published()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token);
        cloud.Truth.ResetRequestLog();

        foreach (var body in new object[] { new { months = 25 }, new { months = 0 }, new { as_at = "2026-11-30", months = 2 }, new { tenants = new[] { "../etc" } }, new { as_at = "30/11/2026" }, new { unknown = true } })
        {
            var (status, text) = await cloud.StartTieOutAsync(body, Token);
            Assert.True(status == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {(int)status} {text}");
        }

        var (none, answer) = await cloud.StartTieOutAsync(new { tenants = new[] { "00000000-0000-0000-0000-000000000000" } }, Token);
        Assert.True(none == (HttpStatusCode)422, answer);
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.TenantId is not null);
        Assert.Empty(cloud.PushDeliveries);
    }
}
