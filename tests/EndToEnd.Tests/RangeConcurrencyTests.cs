using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// A fetch message carries a range of pages the plan already knows: its pages are read together, so one message keeps an
/// organisation at Xero's 5 calls in flight (research/xero.md §1: 5 concurrent calls per organisation) rather than one. Here
/// the whole endpoint after page 1 is one message, one queue worker handles messages, and every Xero answer takes a second,
/// so whatever overlaps in the simulator's count of concurrent calls came from within that one message.
/// </summary>
public sealed class RangeConcurrencyTests
{
    /// <summary>Xero's documented limit of concurrent calls per organisation.</summary>
    private const int XeroConcurrentLimit = 5;

    private const int Cap = 10;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task The_pages_of_one_range_message_are_read_together_up_to_the_organisations_five_in_flight()
    {
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.1,
            Behaviour = new SimulatorBehaviour { PageSizeCap = Cap },
            Faults = new SimulatorFaults { SlowRate = 1, SlowLatency = TimeSpan.FromSeconds(1) },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        var pages = (demo.Truth.Count(tenant, "Invoices") + Cap - 1) / Cap;
        Assert.True(pages > XeroConcurrentLimit + 1, $"Invoices needs more than {XeroConcurrentLimit + 1} pages of {Cap}; it has {pages}");

        await using (var pipeline = demo.CreatePipeline(s => s with
        {
            Pipeline = new PipelineOptions { PagesPerMessage = 100 },
            Queue = new() { Concurrency = 1 },
        }))
        {
            await pipeline.SyncAsync(new RunRequest { Endpoints = ["Invoices"] }, Token);
        }

        // Every page read once: page 1, then the rest in one message.
        Assert.Equal(pages, demo.Truth.Requests.Count(r => r.TenantId == tenant && r.Endpoint == "Invoices" && r.StatusCode == 200));
        Assert.Equal(XeroConcurrentLimit, demo.Truth.MaxConcurrency(tenant));
        Assert.Equal(0, demo.Truth.Throttled());
        demo.AssertViewsEqualTruth(noRawDuplicates: true, only: ["Invoices"]);
    }
}
