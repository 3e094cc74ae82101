using System.Text;
using System.Text.Json;
using XeroSync.Google.PubSub;

namespace XeroSync.Tests.Google;

public sealed class PubSubEmulatorTests(GoogleEmulators emulators)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 60_000)]
    public async Task Publishes_2500_messages_in_three_batches_and_pulls_them_all()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.PubSub(emulators.PubSubHost!);
        var topic = "t-" + Guid.NewGuid().ToString("N");
        var subscription = "s-" + Guid.NewGuid().ToString("N");
        Assert.True(await client.CreateTopicAsync(topic, ct));
        Assert.False(await client.CreateTopicAsync(topic, ct));
        Assert.True(await client.CreateSubscriptionAsync(new PubSubSubscriptionConfig(subscription, topic) { AckDeadlineSeconds = 60 }, ct));

        var messages = Enumerable.Range(0, 2500)
            .Select(i => new PubSubMessage(Encoding.UTF8.GetBytes($"m-{i}"), new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();
        var ids = await client.PublishAsync(topic, messages, ct);
        Assert.Equal(2500, ids.Count);
        Assert.Equal(2500, ids.Distinct().Count());

        var seen = new Dictionary<string, string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        while (seen.Count < 2500)
        {
            var pulled = await client.PullAsync(subscription, 1000, deadline.Token);
            foreach (var m in pulled)
            {
                seen[m.MessageId] = Encoding.UTF8.GetString(m.Data.Span);
                Assert.Equal("m-" + m.Attributes["i"], seen[m.MessageId]);
            }

            await client.AcknowledgeAsync(subscription, [.. pulled.Select(m => m.AckId)], deadline.Token);
        }

        Assert.Equal(ids.Order(), seen.Keys.Order());

        // The ids come back in input order, though the three batches are published concurrently.
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal("m-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), seen[ids[i]]);
        }

        Assert.Equal(messages.Select(m => Encoding.UTF8.GetString(m.Data.Span)).Order(), seen.Values.Order());
        Assert.True(await client.DeleteSubscriptionAsync(subscription, ct));
        Assert.True(await client.DeleteTopicAsync(topic, ct));
        Assert.False(await client.DeleteTopicAsync(topic, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Push_subscription_delivers_a_wrapped_message_to_a_loopback_endpoint()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var received = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(r =>
        {
            received.TrySetResult(r);
            return new TestResponse(204, string.Empty);
        });
        var client = GoogleTestClients.PubSub(emulators.PubSubHost!);
        var topic = "t-" + Guid.NewGuid().ToString("N");
        var deadLetter = topic + "-dlq";
        var subscription = "s-" + Guid.NewGuid().ToString("N");
        await client.CreateTopicAsync(topic, ct);
        await client.CreateTopicAsync(deadLetter, ct);
        var config = new PubSubSubscriptionConfig(subscription, topic)
        {
            PushEndpoint = new Uri(server.BaseUri, "pubsub"),
            OidcServiceAccountEmail = "pusher@test-project.iam.gserviceaccount.com",
            OidcAudience = "https://worker.example",
            AckDeadlineSeconds = 30,
            MinimumBackoff = TimeSpan.FromSeconds(1),
            MaximumBackoff = TimeSpan.FromSeconds(2),
            DeadLetterTopic = deadLetter,
            MaxDeliveryAttempts = 5,
        };
        Assert.True(await client.CreateSubscriptionAsync(config, ct));
        Assert.False(await client.CreateSubscriptionAsync(config, ct));

        await client.PublishAsync(topic, [new PubSubMessage("{\"hello\":1}"u8.ToArray(), new Dictionary<string, string> { ["tenant"] = "t-1" }, "key-1")], ct);
        var push = await received.Task.WaitAsync(Timeout, ct);

        Assert.Equal("POST", push.Method);
        Assert.Equal("/pubsub", push.PathAndQuery);
        using var body = JsonDocument.Parse(push.Body);
        var message = body.RootElement.GetProperty("message");
        Assert.Equal("{\"hello\":1}", Encoding.UTF8.GetString(message.GetProperty("data").GetBytesFromBase64()));
        Assert.Equal("t-1", message.GetProperty("attributes").GetProperty("tenant").GetString());
        Assert.Equal($"projects/{GoogleEmulators.ProjectId}/subscriptions/{subscription}", body.RootElement.GetProperty("subscription").GetString());
        await client.DeleteSubscriptionAsync(subscription, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unwrapped_push_sends_raw_data_with_metadata_headers()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var received = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(r =>
        {
            received.TrySetResult(r);
            return new TestResponse(200, string.Empty);
        });
        var client = GoogleTestClients.PubSub(emulators.PubSubHost!);
        var topic = "t-" + Guid.NewGuid().ToString("N");
        var subscription = "s-" + Guid.NewGuid().ToString("N");
        await client.CreateTopicAsync(topic, ct);
        await client.CreateSubscriptionAsync(new PubSubSubscriptionConfig(subscription, topic) { PushEndpoint = new Uri(server.BaseUri, "raw"), NoWrapper = true, WriteMetadata = true }, ct);

        await client.PublishAsync(topic, [new PubSubMessage("raw-bytes"u8.ToArray(), new Dictionary<string, string> { ["tenant"] = "t-2" })], ct);
        var push = await received.Task.WaitAsync(Timeout, ct);

        Assert.Equal("raw-bytes", push.Body);
        Assert.Equal("t-2", push.Headers["tenant"]);
        Assert.True(push.Headers.ContainsKey("x-goog-pubsub-message-id"));
        await client.DeleteSubscriptionAsync(subscription, ct);
    }
}
