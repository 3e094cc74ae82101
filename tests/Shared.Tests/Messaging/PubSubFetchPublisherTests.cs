using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Contracts;
using XeroSync.Google.PubSub;
using XeroSync.Messaging.PubSub;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Messaging;

public sealed class PubSubFetchPublisherTests(GoogleEmulators emulators)
{
    private static readonly TimeSpan PullTimeout = TimeSpan.FromSeconds(60);

    private static FetchRequest Request(int i) => new()
    {
        RunId = "r-20260101T000000Z",
        TenantId = string.Create(CultureInfo.InvariantCulture, $"00000000-0000-0000-0000-{i % 7:D12}"),
        Endpoint = i % 2 == 0 ? "Invoices" : "Contacts",
        FirstPage = i * 10 + 1,
        LastPage = i * 10 + 10,
        PageSize = 1000,
        ModifiedSince = i % 3 == 0 ? null : new DateTimeOffset(2026, 1, 1, 12, 0, i % 60, TimeSpan.Zero),
        Discover = i == 0,
        Offset = i % 5 == 0 ? i * 100L : null,
    };

    [Fact]
    public void ToMessage_carries_the_request_json_and_filterable_attributes()
    {
        var request = Request(3);

        var message = PubSubFetchPublisher.ToMessage(request);

        Assert.Equal(request, JsonSerializer.Deserialize(message.Data.Span, PipelineJsonContext.Default.FetchRequest));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["run_id"] = "r-20260101T000000Z",
                ["tenant_id"] = "00000000-0000-0000-0000-000000000003",
                ["endpoint"] = "Contacts",
                ["pages"] = "31-40",
                ["schema_version"] = "1",
            },
            message.Attributes);
        Assert.Null(message.OrderingKey);
        Assert.Equal(message.Data.ToArray(), PubSubFetchPublisher.ToMessage(Request(3)).Data.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Publishes_1500_requests_that_pull_back_and_decode_to_the_same_requests()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.PubSub(emulators.PubSubHost!);
        var topic = "fetch-" + Guid.NewGuid().ToString("N");
        var subscription = "pull-" + Guid.NewGuid().ToString("N");
        await client.CreateTopicAsync(topic, ct);
        await client.CreateSubscriptionAsync(new PubSubSubscriptionConfig(subscription, topic) { AckDeadlineSeconds = 60 }, ct);
        var publisher = new PubSubFetchPublisher(client, topic, NullLogger<PubSubFetchPublisher>.Instance);
        var requests = Enumerable.Range(0, 1500).Select(Request).ToList();

        await publisher.PublishAsync(requests, ct);

        var received = new Dictionary<string, FetchRequest>(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(PullTimeout);
        while (received.Count < requests.Count)
        {
            var pulled = await client.PullAsync(subscription, 1000, deadline.Token);
            foreach (var message in pulled)
            {
                var request = JsonSerializer.Deserialize(message.Data.Span, PipelineJsonContext.Default.FetchRequest);
                Assert.NotNull(request);
                Assert.Equal(request.RunId, message.Attributes["run_id"]);
                Assert.Equal(request.TenantId, message.Attributes["tenant_id"]);
                Assert.Equal(request.Endpoint, message.Attributes["endpoint"]);
                Assert.Equal($"{request.FirstPage}-{request.LastPage}", message.Attributes["pages"]);
                Assert.Equal("1", message.Attributes["schema_version"]);
                received[message.MessageId] = request;
            }

            await client.AcknowledgeAsync(subscription, [.. pulled.Select(m => m.AckId)], deadline.Token);
        }

        Assert.Equal(requests.Count, received.Count);
        Assert.Equal(requests.OrderBy(r => r.Key, StringComparer.Ordinal), received.Values.OrderBy(r => r.Key, StringComparer.Ordinal));
        await client.DeleteSubscriptionAsync(subscription, ct);
        await client.DeleteTopicAsync(topic, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Publishing_nothing_makes_no_call()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(500));
        var client = new PubSubClient(GoogleTestClients.Http(XeroSync.Google.GoogleService.PubSub, server.BaseUri), new XeroSync.Google.GoogleClientOptions("p", server.BaseUri), NullLogger<PubSubClient>.Instance);
        var publisher = new PubSubFetchPublisher(client, "fetch-requests", NullLogger<PubSubFetchPublisher>.Instance);

        await publisher.PublishAsync([], ct);

        Assert.Empty(server.Requests);
    }
}
