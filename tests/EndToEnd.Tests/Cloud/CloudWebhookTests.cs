using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using XeroSync.Ledger;
using XeroSync.Webhooks;
using XeroSync.XeroSimulator;
using XeroSync.XeroSimulator.Webhooks;

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
        // The key as deployed: a version of the secret XEROSYNC_WEBHOOK_KEY_SECRET names, read through Secret Manager's API.
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, webhookKey: Key);
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
        Assert.Contains(cloud.WebhookSecret.Requests, r => r.Method == "GET" && r.PathAndQuery == $"/v1/{cloud.WebhookSecret.SecretName}/versions/latest:access");
        Assert.Empty(cloud.WebhookSecret.Violations);
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

    [Fact(Timeout = 600_000)]
    public async Task Two_dispatcher_instances_share_the_event_sequence_and_what_was_read()
    {
        // Cloud Run scaled out to two Dispatcher instances over the same Firestore; Xero's payloads reach either.
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, webhookKey: Key, dispatchers: 2);
        var (first, second) = (cloud.DispatcherUris[0], cloud.DispatcherUris[1]);
        var tenant = cloud.Truth.Tenants[0].TenantId;
        string[] webhooked = ["Contacts", "CreditNotes", "Invoices", "Payments", "Prepayments"];
        var synced = await cloud.StartRunAsync(Token, webhooked);
        Assert.Equal("complete", await cloud.WaitForStateAsync(synced, RunTimeout, Token, "complete", "partial"));

        cloud.Truth.ResetRequestLog();
        var a = cloud.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 0);
        var lost = cloud.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 1);
        var c = cloud.Truth.ApplyChange(tenant, "Contacts", ChangeKind.Edit, position: 0);
        using var http = new HttpClient();

        // Sequence 1 to both instances at once (Xero retrying while the first attempt is in flight); 2 is lost; 3 to the
        // second instance (the hole is 2), then again to the first (a duplicate of what the other instance read, and now
        // both know of the hole).
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await Task.WhenAll(PostAsync(http, first, Payload(1, a)), PostAsync(http, second, Payload(1, a))));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, second, Payload(3, c)));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, first, Payload(3, c)));

        // One targeted run per record read: a and c once each, whichever instance took it.
        var targeted = (await cloud.Ledger.ListRunsAsync(20, Token)).Where(r => r.Targeted).ToList();
        Assert.Equal(2, targeted.Count);
        foreach (var run in targeted)
        {
            Assert.Equal("complete", await cloud.WaitForStateAsync(run.RunId, RunTimeout, Token, "complete", "partial"));
        }

        // The hole counts as lost 30 s after it opened (the deployed grace); both instances know of it and try to take it
        // then, and one incremental of the webhook endpoints starts.
        var incremental = await WaitForIncrementalAsync(cloud, synced);
        Assert.Equal(webhooked, incremental.Endpoints.Order(StringComparer.Ordinal));
        Assert.Equal("complete", await cloud.WaitForStateAsync(incremental.RunId, RunTimeout, Token, "complete", "partial"));
        Assert.Single(await cloud.Ledger.ListRunsAsync(20, Token), r => !r.Targeted && r.RunId != synced);

        // The simulator's log for the organisation the events named: by id, a once and c once; then one list call per webhook endpoint, the incremental's (which reads every organisation: Xero numbers
        // events per subscription, so a lost one names none).
        var requests = cloud.Truth.Requests.Where(r => r.TenantId == tenant && r.Endpoint is not null && webhooked.Contains(r.Endpoint)).ToList();
        var byId = requests.Where(r => ById(r.PathAndQuery)).ToList();
        Assert.Equal(
            new[] { ("Contacts", c.RecordId), ("Invoices", a.RecordId) }.Select(x => (x.Item1, x.Item2.ToUpperInvariant())).Order(),
            byId.Select(r => (r.Endpoint!, Query(r.PathAndQuery)["IDs"].ToString().ToUpperInvariant())).Order());
        Assert.Equal(webhooked, requests.Where(r => !ById(r.PathAndQuery)).Select(r => r.Endpoint!).Order(StringComparer.Ordinal));

        // The lost event's record landed through the incremental, as the simulator serves it now.
        Assert.Equal(cloud.Truth.GetRecords(tenant, "Invoices")[lost.RecordId], cloud.BigQuery.Latest("xero_raw.invoices")[(tenant, lost.RecordId)].Payload);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_lost_last_event_is_read_by_one_incremental_of_its_category_when_the_quiet_check_finds_it_quiet_too_long()
    {
        // One clock for the simulator, the Worker and the Dispatcher, moved on by the test; the quiet rule as deployed
        // (Terraform's defaults, docs/webhooks.md): quiet when at least 3 gaps were seen and now - last > max(4 x usual gap, 10 min).
        var clock = new AdjustableTimeProvider();
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, webhookKey: Key, clock: clock);
        var tenant = cloud.Truth.Tenants[0].TenantId;
        var synced = await cloud.StartRunAsync(Token, ["Invoices"]);
        Assert.Equal("complete", await cloud.WaitForStateAsync(synced, RunTimeout, Token, "complete", "partial"));

        var deliveries = Channel.CreateUnbounded<WebhookDelivery>();
        var sender = cloud.Truth.StartWebhooks(new Uri(cloud.DispatcherUri, "webhooks/xero"), Key);
        sender.Delivered += d => deliveries.Writer.TryWrite(d);

        // One invoice edit a minute, five in all; the fifth (sequence 5) is lost in transit and nothing follows it.
        sender.DropSequences = new HashSet<long> { 5 };
        var targeted = new HashSet<string>(StringComparer.Ordinal);
        AppliedChange? lost = null;
        for (var i = 0; i < 5; i++)
        {
            if (i > 0)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
            }

            var change = cloud.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: i);
            var delivery = await deliveries.Reader.ReadAsync(Token).AsTask().WaitAsync(RunTimeout, Token);
            Assert.Equal(change.RecordId, Assert.Single(delivery.Changes).RecordId);
            if (i < 4)
            {
                // Opened inside the request: in the ledger now; landed before the clock moves on.
                Assert.Equal(200, delivery.Status);
                var run = Assert.Single(await cloud.Ledger.ListRunsAsync(20, Token), r => r.Targeted && !targeted.Contains(r.RunId));
                targeted.Add(run.RunId);
                Assert.Equal("complete", await cloud.WaitForStateAsync(run.RunId, RunTimeout, Token, "complete", "partial"));
            }
            else
            {
                Assert.True(delivery.Dropped);
                Assert.Equal(5, delivery.FirstSequence);
                lost = change;
            }
        }

        Assert.True(sender.IntentToReceive, "the intent-to-receive check (200 signed, 401 forged) did not pass");
        var truth = cloud.Truth.GetRecords(tenant, "Invoices")[lost!.RecordId];
        Assert.NotEqual(truth, cloud.BigQuery.Latest("xero_raw.invoices")[(tenant, lost.RecordId)].Payload);

        // Usual gap 60 s (three gaps of a minute): the limit is max(4 x 60 s, 10 min) = 10 min from the fourth arrival, and
        // the loss opened no hole. 9 min 50 s after it nothing is due: the check starts nothing and nothing reads Xero.
        cloud.Truth.ResetRequestLog();
        clock.Advance(TimeSpan.FromSeconds(530));
        Assert.Empty(await CheckQuietAsync(cloud));
        Assert.Equal(targeted.Count + 1, (await cloud.Ledger.ListRunsAsync(20, Token)).Count);

        // 10 min 10 s after it: quiet. One incremental of Invoices for this organisation.
        clock.Advance(TimeSpan.FromSeconds(20));
        var started = Assert.Single(await CheckQuietAsync(cloud));
        Assert.Equal(tenant, started.TenantId);
        Assert.Equal(["Invoices"], started.Endpoints);
        var incremental = Assert.Single(await cloud.Ledger.ListRunsAsync(20, Token), r => !r.Targeted && r.RunId != synced);
        Assert.Equal(started.RunId, incremental.RunId);
        Assert.Equal([tenant], incremental.Tenants);
        Assert.Equal(["Invoices"], incremental.Endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(incremental.RunId, RunTimeout, Token, "complete", "partial"));

        // The simulator's log: one Invoices call, this organisation's, with If-Modified-Since (an incremental); nothing else read.
        var read = Assert.Single(cloud.Truth.Requests, r => r.Endpoint is not null and not "connections");
        Assert.Equal(("Invoices", tenant), (read.Endpoint, read.TenantId));
        Assert.False(string.IsNullOrEmpty(read.IfModifiedSince), "the quiet category's run read Invoices without If-Modified-Since");

        // The lost version landed once in raw, and is the latest, byte for byte as the simulator serves it.
        Assert.Single(cloud.BigQuery.Rows("xero_raw.invoices"), r => r.TenantId == tenant && r.RecordId == lost.RecordId && r.Payload == truth);
        Assert.Equal(truth, cloud.BigQuery.Latest("xero_raw.invoices")[(tenant, lost.RecordId)].Payload);

        // The same quiet spell: a second check, and one two hours on, start nothing and read nothing.
        cloud.Truth.ResetRequestLog();
        Assert.Empty(await CheckQuietAsync(cloud));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await CheckQuietAsync(cloud));
        Assert.Equal(targeted.Count + 2, (await cloud.Ledger.ListRunsAsync(20, Token)).Count);
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.Endpoint is not null and not "connections");
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    /// <summary>POST /webhooks/quiet-check as Cloud Scheduler calls it; the runs its JSON answer names (checked against its count).</summary>
    private static async Task<IReadOnlyList<(string RunId, string TenantId, string[] Endpoints)>> CheckQuietAsync(CloudEnvironment cloud)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(cloud.DispatcherUri, "webhooks/quiet-check"), null, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /webhooks/quiet-check: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray()
            .Select(r => (r.GetProperty("run_id").GetString()!, r.GetProperty("tenant_id").GetString()!, r.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()!).ToArray()))
            .ToList();
        Assert.Equal(runs.Count, json.RootElement.GetProperty("started").GetInt32());
        return runs;
    }

    private static bool ById(string pathAndQuery)
    {
        var query = Query(pathAndQuery);
        return query.ContainsKey("IDs") || (query.TryGetValue("where", out var where) && where.ToString().Contains("==Guid(", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One signed payload as Xero sends it: a single event at <paramref name="sequence"/>.</summary>
    private static byte[] Payload(long sequence, AppliedChange change)
    {
        var category = change.Endpoint switch { "Invoices" => "INVOICE", "Contacts" => "CONTACT", _ => throw new ArgumentOutOfRangeException(nameof(change)) };
        return Encoding.UTF8.GetBytes($$"""
            {"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/{{change.Endpoint}}/{{change.RecordId}}","resourceId":"{{change.RecordId}}","eventDateUtc":"{{change.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)}}","eventType":"UPDATE","eventCategory":"{{category}}","tenantId":"{{change.TenantId}}","tenantType":"ORGANISATION"}],"lastEventSequence":{{sequence}},"firstEventSequence":{{sequence}},"entropy":"E{{sequence}}"}
            """);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri dispatcher, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("x-xero-signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), body)));
        using var response = await http.PostAsync(new Uri(dispatcher, "webhooks/xero"), content, Token);
        return response.StatusCode;
    }

    /// <summary>Reads the ledger every second until a run other than <paramref name="synced"/> and the targeted ones is there; fails after two minutes.</summary>
    private static async Task<RunInfo> WaitForIncrementalAsync(CloudEnvironment cloud, string synced)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (true)
            {
                if ((await cloud.Ledger.ListRunsAsync(20, deadline.Token)).FirstOrDefault(r => !r.Targeted && r.RunId != synced) is { } run)
                {
                    return run;
                }

                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            throw new InvalidOperationException("no incremental started within two minutes of the lost event");
        }
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
