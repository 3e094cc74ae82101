using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Cli.Local;
using XeroSync.Pipeline;
using XeroSync.Webhooks;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A burst of webhook events for one organisation: the named records are read in as few calls as Xero accepts, never
/// throttled, and every new version lands. Counted from the simulator's request log; the records from its state.
/// </summary>
public sealed class WebhookBurstTests
{
    private const string Key = "test-webhook-key-burst-0123456789";

    private const int Burst = 200;

    /// <summary>Xero answers 404 once a URL passes 2,091 characters (XeroAPI/Xero-NetStandard #471).</summary>
    private const int XeroMaxUrlLength = 2091;

    /// <summary>The most ids Xero answers in an <c>IDs</c> filter: 52 (XeroAPI/Xero-OpenAPI #534, XeroAPI/xero-node #404: 53 fail with 404).</summary>
    private const int XeroMaxIds = 52;

    /// <summary>The webhook categories' endpoints, tables and id fields; whether the endpoint takes <c>IDs</c> (Xero-OpenAPI xero_accounting.yaml).</summary>
    private static readonly (string Endpoint, string Table, string IdField, bool IdsParameter)[] Webhooked =
    [
        ("Invoices", "invoices", "InvoiceID", true),
        ("Contacts", "contacts", "ContactID", true),
        ("CreditNotes", "credit_notes", "CreditNoteID", false),
        ("Prepayments", "prepayments", "PrepaymentID", false),
        ("Payments", "payments", "PaymentID", false),
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_burst_of_200_events_per_category_lands_exactly_in_the_fewest_calls_Xero_accepts_without_a_throttle()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 2,
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Endpoints = [.. Webhooked.Select(w => w.Endpoint)] }, Token);

        // A window long enough to gather the whole burst (the simulator posts it in payloads of up to 100 events).
        var batches = Channel.CreateUnbounded<WebhookBatch>();
        await using var listener = await LocalWebhookListener.StartAsync(pipeline, new FixedWebhookKey(Key), new WebhookOptions { Window = TimeSpan.FromSeconds(5) }, "http://127.0.0.1:0", NullLoggerFactory.Instance, demo.Time, Token);
        listener.Batcher.Started = (batch, ct) => batches.Writer.WriteAsync(batch, ct).AsTask();
        var sender = demo.Truth.StartWebhooks(listener.Url, Key);
        demo.Truth.ResetRequestLog();

        var edited = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (endpoint, _, _, _) in Webhooked)
        {
            var ids = demo.Truth.GetRecords(tenant, endpoint).Keys.Order(StringComparer.Ordinal).Take(Burst).ToList();
            Assert.Equal(Burst, ids.Count);
            edited[endpoint] = [.. ids.Select(id => demo.Truth.ApplyChange(tenant, endpoint, ChangeKind.Edit, recordId: id).RecordId)];
        }

        var pending = edited.SelectMany(e => e.Value.Select(id => (e.Key, id))).ToHashSet();
        while (pending.Count > 0)
        {
            var batch = await batches.Reader.ReadAsync(Token);
            await pipeline.WaitForIdleAsync(Token);
            foreach (var change in batch.Changes)
            {
                Assert.True(pending.Remove((change.Endpoint, change.RecordId)), $"{change.Endpoint} {change.RecordId} read twice or never edited");
            }
        }

        Assert.Equal(Burst * Webhooked.Length, sender.Deliveries.Sum(d => d.Changes.Count));
        var requests = demo.Truth.Requests;
        Assert.DoesNotContain(requests, r => r.StatusCode == 429);
        using var warehouse = demo.OpenWarehouse();
        foreach (var (endpoint, table, idField, idsParameter) in Webhooked)
        {
            // The fewest calls Xero allows: 52 ids in IDs, or as many `KeyID==Guid("...")` terms (escaped, with their OR)
            // as fit in Xero's longest URL after the shortest possible prefix.
            var prefix = $"https://api.xero.com/api.xro/2.0/{endpoint}?where=".Length;
            var term = Uri.EscapeDataString($"{idField}==Guid(\"{Guid.Empty}\") OR ").Length;
            var perCall = idsParameter ? XeroMaxIds : (XeroMaxUrlLength - prefix + Uri.EscapeDataString(" OR ").Length) / term;
            var calls = requests.Where(r => r.Endpoint == endpoint).ToList();
            Assert.InRange(calls.Count, 1, (Burst + perCall - 1) / perCall);
            Assert.All(calls, c => Assert.Equal(200, c.StatusCode));
            Assert.All(calls, c => Assert.InRange("https://api.xero.com".Length + c.PathAndQuery.Length, 0, XeroMaxUrlLength));

            // Together the calls name exactly the edited records, each once.
            var named = calls.SelectMany(c => Named(c.PathAndQuery, idField, idsParameter)).ToList();
            Assert.Equal(named.Count, named.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.Equal(edited[endpoint].Order(StringComparer.Ordinal), named.Select(id => id.ToLowerInvariant()).Order(StringComparer.Ordinal));

            // Exact: every new version is the latest, byte for byte as the simulator serves it now.
            var truth = demo.Truth.GetRecords(tenant, endpoint);
            var latest = warehouse.Latest(table);
            Assert.All(edited[endpoint], id => Assert.Equal(truth[id], latest[(tenant, id)]));
            TestContext.Current.TestOutputHelper?.WriteLine($"{endpoint}: {Burst} events, {calls.Count} calls (Xero allows {perCall} ids per call)");
        }
    }

    private static IEnumerable<string> Named(string pathAndQuery, string idField, bool idsParameter)
    {
        var query = QueryHelpers.ParseQuery(new Uri(new Uri("http://simulator"), pathAndQuery).Query);
        return idsParameter
            ? query["IDs"].ToString().Split(',')
            : query["where"].ToString().Split(" OR ").Select(term => term[$"{idField}==Guid(\"".Length..^2]);
    }
}
