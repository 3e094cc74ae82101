using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Spectre.Console;
using XeroSync.Cli;
using XeroSync.Cli.Local;
using XeroSync.Pipeline;
using XeroSync.Webhooks;
using XeroSync.XeroSimulator;
using XeroSync.XeroSimulator.Webhooks;

namespace XeroSync.Tests;

/// <summary>
/// The local shape with webhooks: the simulator edits records and sends Xero's signed webhooks; the listener reads
/// the named records by id and lands them. Truth is the simulator's records, its request log and its deliveries.
/// </summary>
public sealed class WebhookFreshnessTests
{
    private const string Key = "test-webhook-key-0123456789";

    /// <summary>The five webhook categories' endpoints and their id fields (Xero-OpenAPI xero-webhooks.yaml, xero_accounting.yaml).</summary>
    private static readonly (string Endpoint, string Table, string IdField, bool IdsParameter)[] Webhooked =
    [
        ("Invoices", "invoices", "InvoiceID", true),
        ("Contacts", "contacts", "ContactID", true),
        ("CreditNotes", "credit_notes", "CreditNoteID", false),
        ("Prepayments", "prepayments", "PrepaymentID", false),
        ("Payments", "payments", "PaymentID", false),
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Edited_records_land_by_id_in_one_call_per_batch_and_duplicates_land_once()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Endpoints = [.. Webhooked.Select(w => w.Endpoint)] }, Token);

        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), new WebhookOptions { Window = TimeSpan.FromMilliseconds(300) }, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        var sender = demo.Truth.StartWebhooks(listener.Url, Key);

        var latencies = new List<TimeSpan>();
        const int Rounds = 10;
        for (var round = 0; round < Rounds; round++)
        {
            demo.Truth.ResetRequestLog();
            var changes = Webhooked.Select(w => demo.Truth.ApplyChange(tenant, w.Endpoint, ChangeKind.Edit, position: round)).ToList();
            var pending = changes.Select(c => (c.Endpoint, c.RecordId)).ToHashSet();
            while (pending.Count > 0)
            {
                var batch = await batches.Reader.ReadAsync(Token);
                await pipeline.WaitForIdleAsync(Token);
                var landedAt = demo.Time.GetUtcNow();
                foreach (var change in batch.Changes)
                {
                    Assert.True(pending.Remove((change.Endpoint, change.RecordId)), $"{change.Endpoint} {change.RecordId} read but not changed in this round");
                    latencies.Add(landedAt - changes.Single(c => c.RecordId == change.RecordId).Time);
                }
            }

            using (var warehouse = demo.OpenWarehouse())
            {
                foreach (var (change, (endpoint, table, idField, idsParameter)) in changes.Zip(Webhooked))
                {
                    // The new version is the latest, byte for byte as the simulator serves it now.
                    Assert.Equal(demo.Truth.GetRecords(tenant, endpoint)[change.RecordId], warehouse.Latest(table)[(tenant, change.RecordId)]);

                    // Read by id: the one call of this endpoint names exactly the changed record (no full list, no If-Modified-Since).
                    var calls = demo.Truth.Requests.Where(r => r.Endpoint == endpoint).ToList();
                    var call = Assert.Single(calls);
                    Assert.Null(call.IfModifiedSince);
                    var query = QueryHelpers.ParseQuery(new Uri(new Uri("http://simulator"), call.PathAndQuery).Query);
                    if (idsParameter)
                    {
                        Assert.Equal(change.RecordId, query["IDs"].ToString(), ignoreCase: true);
                    }
                    else
                    {
                        Assert.Equal($"{idField}==Guid(\"{change.RecordId}\")", query["where"].ToString(), ignoreCase: true);
                    }
                }
            }
        }

        Assert.True(sender.IntentToReceive, "the intent-to-receive check (200 signed, 401 forged) did not pass");
        Assert.All(sender.Deliveries, d => Assert.Equal(200, d.Status));

        // Duplicate and older events for a record already read: answered 200, nothing read again, one raw row per version.
        var invoice = demo.Truth.Changes.Last(c => c.Endpoint == "Invoices");
        demo.Truth.ResetRequestLog();
        using var http = new HttpClient();
        foreach (var at in new[] { invoice.Time, invoice.Time.AddMinutes(-1) })
        {
            var body = Encoding.UTF8.GetBytes($$"""
                {"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{{invoice.RecordId}}","resourceId":"{{invoice.RecordId}}","eventDateUtc":"{{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)}}","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"{{tenant}}","tenantType":"ORGANISATION"}],"lastEventSequence":9000,"firstEventSequence":9000,"entropy":"DUPLICATE"}
                """);
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("x-xero-signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), body)));
            using var response = await http.PostAsync(listener.Url, content, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Null(await listener.Batcher.FlushAsync(force: true, Token));
        Assert.Empty(demo.Truth.Requests);
        using (var warehouse = demo.OpenWarehouse())
        {
            var versions = warehouse.Scalar($"SELECT count(DISTINCT updated_at) FROM xero_raw.invoices WHERE record_id = '{invoice.RecordId}'");
            var rows = warehouse.Scalar($"SELECT count(*) FROM xero_raw.invoices WHERE record_id = '{invoice.RecordId}'");
            Assert.Equal(versions, rows);
        }

        latencies.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"event-to-landed over {latencies.Count} events: median {latencies[latencies.Count / 2].TotalMilliseconds:F0} ms, worst {latencies[^1].TotalMilliseconds:F0} ms");
    }

    [Fact(Timeout = 300_000)]
    public async Task A_lost_event_opens_a_sequence_hole_that_an_incremental_reads()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Endpoints = [.. Webhooked.Select(w => w.Endpoint)] }, Token);

        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), new WebhookOptions { Window = TimeSpan.FromMilliseconds(200), GapGrace = TimeSpan.FromSeconds(1) }, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        var sender = demo.Truth.StartWebhooks(listener.Url, Key);
        sender.DropSequences = new HashSet<long> { 2 };

        var first = demo.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 1);
        var read = await batches.Reader.ReadAsync(Token);
        Assert.Equal(first.RecordId, Assert.Single(read.Changes).RecordId);
        await pipeline.WaitForIdleAsync(Token);

        var lost = demo.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 2);
        var third = demo.Truth.ApplyChange(tenant, "Contacts", ChangeKind.Edit, position: 3);
        WebhookBatch? incremental = null;
        while (incremental is null)
        {
            var batch = await batches.Reader.ReadAsync(Token);
            await pipeline.WaitForIdleAsync(Token);
            Assert.DoesNotContain(batch.Changes, c => c.RecordId == lost.RecordId);
            incremental = batch.Incremental is null ? null : batch;
        }

        Assert.Equal(2, Assert.Single(incremental.Lost).From);
        Assert.Equal(2, incremental.Lost[0].To);
        Assert.Contains(sender.Deliveries, d => d.Dropped && d.FirstSequence == 2);
        Assert.Contains(sender.Deliveries, d => !d.Dropped && d.Changes.Any(c => c.RecordId == third.RecordId));
        using var warehouse = demo.OpenWarehouse();
        Assert.Equal(demo.Truth.GetRecords(tenant, "Invoices")[lost.RecordId], warehouse.Latest("invoices")[(tenant, lost.RecordId)]);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_lost_last_event_is_read_by_one_incremental_of_its_category_once_the_category_is_quiet_too_long()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Endpoints = [.. Webhooked.Select(w => w.Endpoint)] }, Token);

        // The rule (docs/webhooks.md): quiet when at least 3 gaps were seen and now - last > max(4 x usual gap, 1 min).
        // The listener's own timer is set past the test so the checks here are the only ones.
        var options = new WebhookOptions { Window = TimeSpan.FromMilliseconds(200), GapGrace = TimeSpan.FromSeconds(1), QuietFactor = 4, QuietFloor = TimeSpan.FromMinutes(1), QuietMinGaps = 3, QuietCheckEvery = TimeSpan.FromHours(1) };
        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), options, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        var sender = demo.Truth.StartWebhooks(listener.Url, Key);
        var dropped = new TaskCompletionSource<WebhookDelivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Delivered += d =>
        {
            if (d.Dropped)
            {
                dropped.TrySetResult(d);
            }
        };

        // One invoice edit a minute, five in all; the fifth (sequence 5) is lost in transit and nothing follows it.
        sender.DropSequences = new HashSet<long> { 5 };
        var clock = (AdjustableTimeProvider)demo.Time;
        AppliedChange? lost = null;
        for (var i = 0; i < 5; i++)
        {
            if (i > 0)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
            }

            var change = demo.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: i);
            if (i < 4)
            {
                var batch = await batches.Reader.ReadAsync(Token);
                await pipeline.WaitForIdleAsync(Token);
                Assert.Equal(change.RecordId, Assert.Single(batch.Changes).RecordId);
            }
            else
            {
                lost = change;
            }
        }

        var drop = await dropped.Task.WaitAsync(Token);
        Assert.Equal(lost!.RecordId, Assert.Single(drop.Changes).RecordId);
        Assert.Equal(5, drop.FirstSequence);

        // Usual gap ~60 s (three gaps of a minute), so the limit is max(4 x 60 s, 60 s) = 240 s from the fourth arrival, and
        // the loss opened no hole. A minute after the lost edit (2 min since the last arrival) nothing is due.
        demo.Truth.ResetRequestLog();
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await listener.Batcher.CheckQuietAsync(Token));
        Assert.Null(await listener.Batcher.FlushAsync(force: true, Token));
        Assert.DoesNotContain(demo.Truth.Requests, r => r.Endpoint != "connections");

        // 4 min 10 s since the last arrival: quiet. One incremental of Invoices for this organisation, nothing else.
        clock.Advance(TimeSpan.FromSeconds(130));
        var quiet = await listener.Batcher.CheckQuietAsync(Token);
        Assert.NotNull(quiet);
        await pipeline.WaitForIdleAsync(Token);
        var run = Assert.Single(quiet.Quiet);
        Assert.Equal((tenant, "Invoices"), (run.TenantId, Assert.Single(run.Endpoints)));
        var reads = demo.Truth.Requests.Where(r => r.Endpoint != "connections").ToList();
        var read = Assert.Single(reads);
        Assert.Equal(("Invoices", tenant), (read.Endpoint, read.TenantId));
        Assert.NotNull(read.IfModifiedSince);

        using (var warehouse = demo.OpenWarehouse())
        {
            Assert.Equal(demo.Truth.GetRecords(tenant, "Invoices")[lost.RecordId], warehouse.Latest("invoices")[(tenant, lost.RecordId)]);
            var (_, raw) = warehouse.Query($"SELECT payload::VARCHAR FROM xero_raw.invoices WHERE tenant_id = '{tenant}' AND record_id = '{lost.RecordId}'");
            Assert.Single(raw, row => (string)row[0]! == demo.Truth.GetRecords(tenant, "Invoices")[lost.RecordId]);
        }

        // The same quiet spell: a second check (and a later one) starts nothing; Contacts, never named by an event, nothing either.
        demo.Truth.ResetRequestLog();
        Assert.Null(await listener.Batcher.CheckQuietAsync(Token));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await listener.Batcher.CheckQuietAsync(Token));
        await pipeline.WaitForIdleAsync(Token);
        Assert.DoesNotContain(demo.Truth.Requests, r => r.Endpoint != "connections");
    }

    [Fact(Timeout = 300_000)]
    public async Task Quiet_categories_of_one_organisation_found_in_one_check_share_one_incremental()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 2, Token);
        var (a, b) = (demo.Truth.Tenants[0].TenantId, demo.Truth.Tenants[1].TenantId);
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Endpoints = ["Invoices", "Contacts"] }, Token);

        // The rule (docs/webhooks.md): quiet when at least 3 gaps were seen and now - last > max(4 x usual gap, 1 min).
        var options = new WebhookOptions { Window = TimeSpan.FromMilliseconds(200), GapGrace = TimeSpan.FromSeconds(1), QuietFactor = 4, QuietFloor = TimeSpan.FromMinutes(1), QuietMinGaps = 3, QuietCheckEvery = TimeSpan.FromHours(1) };
        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), options, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        var sender = demo.Truth.StartWebhooks(listener.Url, Key);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Delivered += _ =>
        {
            if (sender.Deliveries.Where(d => d.Dropped).Sum(d => d.Changes.Count) == 3)
            {
                dropped.TrySetResult();
            }
        };

        // A minute apart, five rounds of three edits: an invoice and a contact of organisation a, an invoice of b. The
        // last round (sequences 13 to 15) is lost in transit and nothing follows it.
        (string Tenant, string Endpoint)[] categories = [(a, "Invoices"), (a, "Contacts"), (b, "Invoices")];
        sender.DropSequences = new HashSet<long> { 13, 14, 15 };
        var clock = (AdjustableTimeProvider)demo.Time;
        List<AppliedChange> lost = [];
        for (var round = 0; round < 5; round++)
        {
            if (round > 0)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
            }

            var changes = categories.Select(c => demo.Truth.ApplyChange(c.Tenant, c.Endpoint, ChangeKind.Edit, position: round)).ToList();
            if (round == 4)
            {
                lost = changes;
                break;
            }

            var pending = changes.Select(c => c.RecordId).ToHashSet(StringComparer.Ordinal);
            while (pending.Count > 0)
            {
                var batch = await batches.Reader.ReadAsync(Token);
                await pipeline.WaitForIdleAsync(Token);
                Assert.All(batch.Changes, c => Assert.True(pending.Remove(c.RecordId), $"{c.RecordId} read twice or never edited"));
            }
        }

        await dropped.Task.WaitAsync(Token);
        Assert.Equal(lost.Select(c => c.RecordId).Order(StringComparer.Ordinal), sender.Deliveries.Where(d => d.Dropped).SelectMany(d => d.Changes).Select(c => c.RecordId).Order(StringComparer.Ordinal));

        // Two minutes after the last arrivals nothing is due; 4 min 10 s after them all three categories are quiet in the
        // same check: one incremental per organisation, a's reading its two endpoints.
        demo.Truth.ResetRequestLog();
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await listener.Batcher.CheckQuietAsync(Token));
        clock.Advance(TimeSpan.FromSeconds(130));
        var quiet = await listener.Batcher.CheckQuietAsync(Token);
        Assert.NotNull(quiet);
        await pipeline.WaitForIdleAsync(Token);
        Assert.Equal(
            new[] { (a, "Contacts,Invoices"), (b, "Invoices") }.Order(),
            quiet.Quiet.Select(r => (r.TenantId, string.Join(",", r.Endpoints.Order(StringComparer.Ordinal)))).Order());
        Assert.Equal(2, quiet.Quiet.Select(r => r.Run.Run.RunId).Distinct(StringComparer.Ordinal).Count());

        // The simulator's log: each quiet (organisation, endpoint) read once, with If-Modified-Since; nothing else.
        var reads = demo.Truth.Requests.Where(r => r.Endpoint != "connections").ToList();
        Assert.Equal(
            new[] { (a, "Contacts"), (a, "Invoices"), (b, "Invoices") }.Order(),
            reads.Select(r => (r.TenantId!, r.Endpoint!)).Order());
        Assert.All(reads, r => Assert.False(string.IsNullOrEmpty(r.IfModifiedSince)));

        using var warehouse = demo.OpenWarehouse();
        foreach (var change in lost)
        {
            var table = change.Endpoint == "Invoices" ? "invoices" : "contacts";
            Assert.Equal(demo.Truth.GetRecords(change.TenantId, change.Endpoint)[change.RecordId], warehouse.Latest(table)[(change.TenantId, change.RecordId)]);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Freshness_per_table_shows_the_simulators_event_times_and_when_they_landed()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token);
        var tenant = demo.Truth.Tenants[0].TenantId;
        var logs = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter((category, _) => category == "XeroSync.Pipeline.FreshnessRecorder")
            .AddProvider(new FakeLoggerProvider(logs)));
        await using var pipeline = demo.CreatePipeline(loggers: loggers);
        await pipeline.SyncAsync(new RunRequest { Endpoints = ["Invoices", "Contacts"] }, Token);

        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), new WebhookOptions { Window = TimeSpan.FromSeconds(2) }, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        demo.Truth.StartWebhooks(listener.Url, Key);

        // Round 1: an invoice and a contact; round 2: two invoices 2 s apart (the clock moved between the edits), gathered
        // into one batch by the 2 s window. Each record is edited once, so its event time is unique.
        var clock = (AdjustableTimeProvider)demo.Time;
        var idleAfter = new Dictionary<(string Endpoint, string RecordId), DateTimeOffset>();
        var landedBatches = new List<(string RunId, string Endpoint, IReadOnlyList<string> RecordIds)>();
        foreach (var round in new[] { new[] { ("Invoices", 0), ("Contacts", 0) }, new[] { ("Invoices", 1), ("Invoices", 2) } })
        {
            var pending = new HashSet<(string, string)>();
            foreach (var (endpoint, position) in round)
            {
                if (pending.Count > 0)
                {
                    clock.Advance(TimeSpan.FromSeconds(2));
                }

                pending.Add((endpoint, demo.Truth.ApplyChange(tenant, endpoint, ChangeKind.Edit, position: position).RecordId));
            }

            while (pending.Count > 0)
            {
                var batch = await batches.Reader.ReadAsync(Token);
                await pipeline.WaitForIdleAsync(Token);
                var idle = demo.Time.GetUtcNow();
                foreach (var change in batch.Changes)
                {
                    Assert.True(pending.Remove((change.Endpoint, change.RecordId)));
                    idleAfter[(change.Endpoint, change.RecordId)] = idle;
                }

                landedBatches.AddRange(batch.Changes.GroupBy(c => c.Endpoint).Select(g => (batch.Targeted!.Run!.RunId, g.Key, (IReadOnlyList<string>)[.. g.Select(c => c.RecordId)])));
            }
        }

        Assert.Equal(2, landedBatches.Last(b => b.Endpoint == "Invoices").RecordIds.Count);

        // The truth: the simulator's own change log (its webhooks carry each change's time to the millisecond, as Xero's eventDateUtc does).
        var sent = demo.Truth.Changes.Where(c => c.TenantId == tenant && !c.Scheduled && c.Endpoint is "Invoices" or "Contacts")
            .ToDictionary(c => (c.Endpoint, c.RecordId), c => Millis(c.Time));
        var freshness = await pipeline.Freshness.ListAsync(Token);
        Assert.Equal(["Contacts", "Invoices"], freshness.Select(f => f.Endpoint));
        foreach (var table in freshness)
        {
            Assert.Equal(tenant, table.TenantId);
            var last = sent.Where(s => s.Key.Endpoint == table.Endpoint).MaxBy(s => s.Value);
            Assert.Equal(last.Value, table.LastChangeSeen);
            Assert.Equal(last.Value, table.LastChangeLanded);
            Assert.False(table.Behind);

            // Landed after its last event and before the pipeline went idle; the latency runs from the batch's earliest event.
            var lastBatch = landedBatches.Last(b => b.Endpoint == table.Endpoint);
            Assert.Equal(lastBatch.RunId, table.LastRunId);
            Assert.InRange(table.LastLanded!.Value, last.Value, idleAfter[(table.Endpoint, last.Key.RecordId)]);
            var earliest = lastBatch.RecordIds.Min(id => sent[(table.Endpoint, id)]);
            Assert.InRange(table.Latency!.Value, table.LastLanded.Value - earliest - TimeSpan.FromMilliseconds(1), table.LastLanded.Value - earliest);
        }

        // One INFO line per landed (run, organisation, endpoint), with the batch's record count and latency.
        var lines = logs.GetSnapshot().Where(r => r.Id.Id == 1150).ToList();
        Assert.Equal(landedBatches.Count, lines.Count);
        foreach (var (runId, endpoint, recordIds) in landedBatches)
        {
            var line = Assert.Single(lines, l => l.GetStructuredStateValue("RunId") == runId && l.GetStructuredStateValue("Endpoint") == endpoint);
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Equal(tenant, line.GetStructuredStateValue("TenantId"));
            Assert.Equal(recordIds.Count.ToString(CultureInfo.InvariantCulture), line.GetStructuredStateValue("Changes"));
            var latency = double.Parse(line.GetStructuredStateValue("LatencySeconds")!, CultureInfo.InvariantCulture);
            var latestLatency = double.Parse(line.GetStructuredStateValue("LatestLatencySeconds")!, CultureInfo.InvariantCulture);
            var earliest = recordIds.Min(id => sent[(endpoint, id)]);
            var latest = recordIds.Max(id => sent[(endpoint, id)]);
            // The line carries seconds rounded to the millisecond: up to half of one above the exact value.
            Assert.InRange(latestLatency, 0, (idleAfter[(endpoint, recordIds[0])] - latest).TotalSeconds + 0.0005);
            Assert.Equal((latest - earliest).TotalSeconds, latency - latestLatency, 3);
        }

        // status shows the same, as text and as JSON.
        var (exit, json) = await RunCliAsync(["status", "--data-dir", demo.DataDirectory, "--format", "json"]);
        Assert.Equal(ExitCodes.Success, exit);
        using var document = JsonDocument.Parse(json);
        var shown = document.RootElement.GetProperty("freshness").EnumerateArray().ToList();
        Assert.Equal(freshness.Count, shown.Count);
        foreach (var (table, row) in freshness.Zip(shown))
        {
            Assert.Equal(table.TenantId, row.GetProperty("tenant_id").GetString());
            Assert.Equal(table.Endpoint, row.GetProperty("endpoint").GetString());
            Assert.Equal(table.LastChangeSeen, row.GetProperty("last_change_seen").GetDateTimeOffset());
            Assert.Equal(table.LastLanded, row.GetProperty("last_landed").GetDateTimeOffset());
            Assert.Equal(table.Latency!.Value.TotalSeconds, row.GetProperty("latency_seconds").GetDouble(), 3);
            Assert.False(row.GetProperty("behind").GetBoolean());
        }

        Assert.Contains(document.RootElement.GetProperty("runs").EnumerateArray(), r => r.GetProperty("targeted").GetBoolean());
        var (textExit, text) = await RunCliAsync(["status", "--data-dir", demo.DataDirectory]);
        Assert.Equal(ExitCodes.Success, textExit);
        Assert.Contains("Webhook freshness", text, StringComparison.Ordinal);
        foreach (var table in freshness)
        {
            Assert.Contains(table.LastChangeSeen!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }
    }

    private static DateTimeOffset Millis(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static async Task<(int ExitCode, string Stdout)> RunCliAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(Console(stdout), NullLoggerFactory.Instance, TimeProvider.System, _ => null) { Error = Console(stderr) };
        var exit = await CliApp.RunAsync(args, context, Token);
        return (exit, stdout.ToString() + stderr);
    }

    private static IAnsiConsole Console(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 240;
        return console;
    }
}
