using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using XeroSync.Ledger;
using XeroSync.Webhooks;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Webhooks in the cloud shape: the simulator's signed webhook to the Dispatcher's POST /webhooks/xero -> a targeted run
/// on Pub/Sub -> Worker reads the records by id -> page object -> manifest -> load; the latest view has the new version,
/// GET /freshness shows when it landed. Truth: the simulator's change log, request log and records.
/// </summary>
public sealed class CloudWebhookTests(GoogleEmulators emulators)
{
    private const string Key = "cloud-webhook-key-0123456789";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_signed_webhook_lands_the_new_versions_by_id_and_duplicated_or_older_events_land_nothing()
    {
        // The key as the Dispatcher would read it from Secret Manager (that reader has its own tests).
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, configureService: (service, builder) =>
        {
            if (service == "dispatcher")
            {
                builder.Services.AddSingleton<IWebhookKeySource>(new FixedWebhookKey(Key));
            }
        });
        var tenant = cloud.Truth.Tenants[0].TenantId;
        var synced = await cloud.StartRunAsync(Token, ["Invoices", "CreditNotes"]);
        Assert.Equal("complete", await cloud.WaitForStateAsync(synced, RunTimeout, Token, "complete", "partial"));

        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = cloud.Truth.StartWebhooks(new Uri(cloud.DispatcherUri, "webhooks/xero"), Key);
        sender.Delivered += _ =>
        {
            if (sender.Deliveries.Sum(d => d.Changes.Count) >= 2)
            {
                delivered.TrySetResult();
            }
        };
        cloud.Truth.ResetRequestLog();
        var invoice = cloud.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 0);
        var creditNote = cloud.Truth.ApplyChange(tenant, "CreditNotes", ChangeKind.Edit, position: 0);
        await delivered.Task.WaitAsync(RunTimeout, Token);
        Assert.True(sender.IntentToReceive, "the intent-to-receive check (200 signed, 401 forged) did not pass");
        Assert.All(sender.Deliveries, d => Assert.Equal(200, d.Status));

        // The Dispatcher opened the targeted runs inside the requests: they are in the ledger now.
        var targeted = (await cloud.Ledger.ListRunsAsync(10, Token)).Where(r => r.Targeted).ToList();
        Assert.NotEmpty(targeted);
        Assert.Equal(["CreditNotes", "Invoices"], targeted.SelectMany(r => r.Endpoints).Order(StringComparer.Ordinal));
        foreach (var run in targeted)
        {
            Assert.Equal("complete", await cloud.WaitForStateAsync(run.RunId, RunTimeout, Token, "complete", "partial"));
        }

        // Read by id: one call per endpoint naming exactly the changed record.
        var calls = cloud.Truth.Requests.Where(r => r.Endpoint is "Invoices" or "CreditNotes").ToList();
        Assert.Equal(2, calls.Count);
        var invoiceQuery = Query(Assert.Single(calls, c => c.Endpoint == "Invoices").PathAndQuery);
        Assert.Equal(invoice.RecordId, invoiceQuery["IDs"].ToString(), ignoreCase: true);
        var creditNoteQuery = Query(Assert.Single(calls, c => c.Endpoint == "CreditNotes").PathAndQuery);
        Assert.Equal($"CreditNoteID==Guid(\"{creditNote.RecordId}\")", creditNoteQuery["where"].ToString(), ignoreCase: true);

        // The new versions are the latest, byte for byte as the simulator serves them now.
        Assert.Equal(cloud.Truth.GetRecords(tenant, "Invoices")[invoice.RecordId], cloud.BigQuery.Latest("xero_raw.invoices")[(tenant, invoice.RecordId)].Payload);
        Assert.Equal(cloud.Truth.GetRecords(tenant, "CreditNotes")[creditNote.RecordId], cloud.BigQuery.Latest("xero_raw.credit_notes")[(tenant, creditNote.RecordId)].Payload);
        var invoiceRows = cloud.BigQuery.Rows("xero_raw.invoices").Count(r => r.RecordId == invoice.RecordId);

        // GET /freshness: each table's last change is the simulator's event time; it landed after it.
        var tables = await WaitForLandedAsync(cloud, 2);
        foreach (var change in new[] { invoice, creditNote })
        {
            var table = Assert.Single(tables, t => t.GetProperty("endpoint").GetString() == change.Endpoint);
            Assert.Equal(tenant, table.GetProperty("tenant_id").GetString());
            var eventTime = new DateTimeOffset(change.Time.UtcTicks - (change.Time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
            Assert.Equal(eventTime, table.GetProperty("last_change_seen").GetDateTimeOffset());
            Assert.Equal(eventTime, table.GetProperty("last_change_landed").GetDateTimeOffset());
            var landed = table.GetProperty("last_landed").GetDateTimeOffset();
            Assert.True(landed >= eventTime, $"{change.Endpoint} landed at {landed:O}, before its event at {eventTime:O}");
            // Kept in whole milliseconds.
            Assert.InRange(table.GetProperty("latency_seconds").GetDouble(), (landed - eventTime).TotalSeconds - 0.001, (landed - eventTime).TotalSeconds);
            Assert.False(table.GetProperty("behind").GetBoolean());
        }

        // The same invoice event again, then an older one for it (delivered late): answered 200, nothing read, one row per version.
        cloud.Truth.ResetRequestLog();
        using var http = new HttpClient();
        foreach (var (at, sequence) in new[] { (invoice.Time, 9000), (invoice.Time.AddMinutes(-1), 9001) })
        {
            var body = Encoding.UTF8.GetBytes($$"""
                {"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{{invoice.RecordId}}","resourceId":"{{invoice.RecordId}}","eventDateUtc":"{{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)}}","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"{{tenant}}","tenantType":"ORGANISATION"}],"lastEventSequence":{{sequence}},"firstEventSequence":{{sequence}},"entropy":"DUPLICATE"}
                """);
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("x-xero-signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), body)));
            using var response = await http.PostAsync(new Uri(cloud.DispatcherUri, "webhooks/xero"), content, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(targeted.Count, (await cloud.Ledger.ListRunsAsync(10, Token)).Count(r => r.Targeted));
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.Endpoint == "Invoices");
        Assert.Equal(invoiceRows, cloud.BigQuery.Rows("xero_raw.invoices").Count(r => r.RecordId == invoice.RecordId));
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Query(string pathAndQuery) =>
        QueryHelpers.ParseQuery(new Uri(new Uri("http://simulator"), pathAndQuery).Query);

    /// <summary>
    /// Polls GET /freshness every second until <paramref name="tables"/> tables have landed (the load's landing is
    /// recorded just after the ledger marks the run complete); fails after a minute.
    /// </summary>
    private static async Task<IReadOnlyList<JsonElement>> WaitForLandedAsync(CloudEnvironment cloud, int tables)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = string.Empty;
        try
        {
            while (true)
            {
                using var freshness = await cloud.GetFreshnessAsync(deadline.Token);
                last = freshness.RootElement.GetRawText();
                var rows = freshness.RootElement.GetProperty("tables").EnumerateArray().Select(t => t.Clone()).ToList();
                if (rows.Count(t => t.GetProperty("last_landed").ValueKind != JsonValueKind.Null) >= tables)
                {
                    return rows;
                }

                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            throw new InvalidOperationException($"GET /freshness: {tables} tables not landed within a minute; last: {last}");
        }
    }
}
