using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Cli.Local;
using XeroSync.Pipeline;
using XeroSync.Webhooks;
using XeroSync.XeroSimulator;
using XeroSync.XeroSimulator.Webhooks;

namespace XeroSync.Tests;

/// <summary>
/// <c>sync --demo --listen</c> twice against one folder: Xero numbers a subscription's events on and on, so the second
/// session's webhooks must continue where the first's stopped while the local webhook state (kept in <c>state.db</c>)
/// remembers the highest sequence seen. Truth is the simulator's deliveries and records.
/// </summary>
public sealed class DemoWebhookSessionTests
{
    private const string Key = "demo-session-webhook-key-0123456789";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_second_demo_session_numbers_on_from_the_first_and_its_edits_and_a_lost_event_land()
    {
        using var data = new TempDirectory();
        var incrementals = new List<WebhookBatch>();

        // Session 1: an invoice and a contact edited, both landed by id.
        List<WebhookDelivery> first;
        await using (var session = await Session.StartAsync(data.Path))
        {
            var tenant = session.Tenant;
            var edits = new[] { session.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 0), session.Truth.ApplyChange(tenant, "Contacts", ChangeKind.Edit, position: 0) };
            incrementals.AddRange(await session.LandedAsync(edits));
            session.AssertLatestIsTruth(edits);
            first = Sent(session.Sender);
        }

        Assert.NotEmpty(first);
        var firstLast = first.Max(d => d.LastSequence);

        // Session 2, same folder: three edits, the second one's payload lost in transit.
        List<WebhookDelivery> second;
        await using (var session = await Session.StartAsync(data.Path))
        {
            var tenant = session.Tenant;
            session.Sender.DropSequences = new HashSet<long> { firstLast + 2 };
            var before = session.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 1);
            incrementals.AddRange(await session.LandedAsync([before]));
            var lost = session.Truth.ApplyChange(tenant, "Invoices", ChangeKind.Edit, position: 2);
            var after = session.Truth.ApplyChange(tenant, "Contacts", ChangeKind.Edit, position: 1);
            incrementals.AddRange(await session.LandedAsync([after], incrementalFor: lost));

            second = Sent(session.Sender);
            Assert.Equal(firstLast + 1, second.Min(d => d.FirstSequence));
            Assert.Contains(second, d => d.Dropped && d.FirstSequence == firstLast + 2 && d.Changes.Single().RecordId == lost.RecordId);
            session.AssertLatestIsTruth([before, lost, after]);

            // The state saw every sequence up to the last sent, with no hole left open.
            var state = await session.Pipeline.WebhookState.UpdateSequenceAsync(s => (s, s), Token);
            Assert.Equal(second.Max(d => d.LastSequence), state.Highest);
            Assert.Empty(state.Holes);
        }

        // One numbering across both sessions, each number used once; exactly one loss taken (the dropped event), none false.
        var numbers = first.Concat(second).SelectMany(d => Enumerable.Range((int)d.FirstSequence, (int)(d.LastSequence - d.FirstSequence + 1))).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        var incremental = Assert.Single(incrementals);
        var hole = Assert.Single(incremental.Lost);
        Assert.Equal((firstLast + 2, firstLast + 2), (hole.From, hole.To));

        // demo.json keeps the last number sent, for the next session.
        using var demoJson = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(data.Path, "demo.json"), Token));
        Assert.Equal(second.Max(d => d.LastSequence), demoJson.RootElement.GetProperty("webhook_sequence").GetInt64());
    }

    /// <summary>The payloads with events the sender made (sent or dropped), oldest first.</summary>
    private static List<WebhookDelivery> Sent(WebhookSender sender) => [.. sender.Deliveries.Where(d => d.FirstSequence > 0)];

    /// <summary>One <c>sync --demo --listen</c> session: the demo simulator on the folder, an incremental sync, then the listener and the simulator's webhooks.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly DemoXero _demo;
        private readonly LocalWebhookListener _listener;
        private readonly Channel<WebhookBatch> _batches;

        private Session(DemoXero demo, LocalPipeline pipeline, LocalWebhookListener listener, Channel<WebhookBatch> batches, WebhookSender sender)
        {
            _demo = demo;
            Pipeline = pipeline;
            _listener = listener;
            _batches = batches;
            Sender = sender;
        }

        public LocalPipeline Pipeline { get; }

        public WebhookSender Sender { get; }

        public SimulatorState Truth => _demo.Host.State;

        public string Tenant => Truth.Tenants[0].TenantId;

        public static async Task<Session> StartAsync(string folder)
        {
            var demo = await DemoXero.StartAsync(folder, tenants: 1, TimeProvider.System, Token);
            var pipeline = new LocalPipeline(new LocalPipelineSettings(folder, demo.Options), NullLoggerFactory.Instance, TimeProvider.System);
            await pipeline.SyncAsync(new RunRequest { Endpoints = ["Invoices", "Contacts"] }, Token);
            var batches = Channel.CreateUnbounded<WebhookBatch>();
            var options = new WebhookOptions { Window = TimeSpan.FromMilliseconds(200), GapGrace = TimeSpan.FromSeconds(1) };
            var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), options, "http://127.0.0.1:0", NullLoggerFactory.Instance, TimeProvider.System, Token);
            listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
            var sender = await demo.StartWebhooksAsync(listener.Url, Key, pipeline.WebhookState, Token);
            return new Session(demo, pipeline, listener, batches, sender);
        }

        /// <summary>
        /// Waits until every change in <paramref name="changes"/> is read by id (and, with <paramref name="incrementalFor"/>,
        /// until an incremental for a lost event ran, that change never read by id); returns the incrementals seen.
        /// </summary>
        public async Task<List<WebhookBatch>> LandedAsync(IReadOnlyList<AppliedChange> changes, AppliedChange? incrementalFor = null)
        {
            var pending = changes.Select(c => c.RecordId).ToHashSet(StringComparer.Ordinal);
            var incrementals = new List<WebhookBatch>();
            while (pending.Count > 0 || (incrementalFor is not null && incrementals.Count == 0))
            {
                var batch = await _batches.Reader.ReadAsync(Token);
                await Pipeline.WaitForIdleAsync(Token);
                foreach (var change in batch.Changes)
                {
                    Assert.True(pending.Remove(change.RecordId) || change.RecordId != incrementalFor?.RecordId, $"{change.Endpoint} {change.RecordId} read by id although its event was lost");
                }

                if (batch.Incremental is not null)
                {
                    incrementals.Add(batch);
                }
            }

            return incrementals;
        }

        /// <summary>Each changed record's latest version in the warehouse is what the simulator serves now.</summary>
        public void AssertLatestIsTruth(IReadOnlyList<AppliedChange> changes)
        {
            using var warehouse = new WarehouseReader(Pipeline.Settings.WarehousePath);
            foreach (var change in changes)
            {
                Assert.Equal(Truth.GetRecords(Tenant, change.Endpoint)[change.RecordId], warehouse.Latest(SimulatorTruth.TableName(change.Endpoint))[(Tenant, change.RecordId)]);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _listener.DisposeAsync();
            await Pipeline.DisposeAsync();
            await _demo.DisposeAsync();
        }
    }
}
