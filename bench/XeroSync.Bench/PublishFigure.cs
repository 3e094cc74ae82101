using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Contracts;
using XeroSync.Google.PubSub;
using XeroSync.Messaging.PubSub;
using XeroSync.Tests;

namespace XeroSync.Bench;

/// <summary>Figure 5: the Dispatcher's publisher (PubSubFetchPublisher) sending 10,000 FetchRequests to the Pub/Sub emulator in one call.</summary>
public static class PublishFigure
{
    public const string Name = "Publishing FetchRequests";
    public const string Target = ">= 5,000 messages/s (10,000 to the Pub/Sub emulator)";

    public static async Task<FigureResult> RunAsync(GoogleEmulators emulators, bool quick, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        var client = EmulatorClients.PubSub(emulators);
        var topic = "bench-publish-" + Guid.NewGuid().ToString("N")[..8];
        var subscription = topic + "-pull";
        await client.CreateTopicAsync(topic, cancellationToken);

        // A subscription so the emulator really keeps the messages (a topic without one drops them).
        await client.CreateSubscriptionAsync(new PubSubSubscriptionConfig(subscription, topic), cancellationToken);
        try
        {
            var publisher = new PubSubFetchPublisher(client, topic, NullLogger<PubSubFetchPublisher>.Instance);
            var count = quick ? 2_000 : 10_000;
            var tenant = Guid.NewGuid().ToString();
            var requests = Enumerable.Range(1, count).Select(i => new FetchRequest
            {
                RunId = "20261201T120000Z-bench",
                TenantId = tenant,
                Endpoint = "Invoices",
                FirstPage = i,
                LastPage = i,
                PageSize = 1000,
            }).ToList();

            // One warm-up publish (connection, JIT), then the timed one.
            await publisher.PublishAsync(requests.Take(10).ToList(), cancellationToken);
            var clock = Stopwatch.StartNew();
            await publisher.PublishAsync(requests, cancellationToken);
            clock.Stop();
            var rate = count / clock.Elapsed.TotalSeconds;

            // For comparison only (not what the Dispatcher does): the same messages as four slices published concurrently,
            // which says whether the emulator or the one-publish-at-a-time client sets the pace.
            var messages = requests.Select(PubSubFetchPublisher.ToMessage).ToList();
            var slice = (count + 3) / 4;
            clock.Restart();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.PublishAsync(topic, messages.Skip(i * slice).Take(slice).ToList(), cancellationToken)));
            clock.Stop();
            var concurrentRate = count / clock.Elapsed.TotalSeconds;
            var values = new Dictionary<string, double>
            {
                ["messages"] = count,
                ["seconds"] = Math.Round(count / rate, 3),
                ["messages_per_s"] = Math.Round(rate, 0),
                ["messages_per_s_four_concurrent_publishes"] = Math.Round(concurrentRate, 0),
            };
            return new FigureResult(5, Name, Target, string.Create(CultureInfo.InvariantCulture, $"{rate:N0} messages/s ({count:N0} in {count / rate:F2} s); for comparison, four publish calls in flight: {concurrentRate:N0} messages/s"), "PubSubFetchPublisher.PublishAsync of all requests at once (1000 per publish call) to the gcloud Pub/Sub emulator on loopback", rate >= 5000, values);
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.DeleteSubscriptionAsync(subscription, cleanup.Token);
            await client.DeleteTopicAsync(topic, cleanup.Token);
        }
    }
}
