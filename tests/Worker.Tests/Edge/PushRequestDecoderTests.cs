using System.Text;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Tests.Edge;

public sealed class PushRequestDecoderTests
{
    private const string EmulatorData = """{"tenantId":"t-1","endpoint":"Invoices","page":3}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task EmulatorWrappedPushDecodes()
    {
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.FromCapturedPush("emulator-pubsub-push-wrapped"), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        var message = result.Value;
        Assert.Equal("1", message.MessageId);
        Assert.Equal(EmulatorData, message.GetDataAsString());
        Assert.Equal(2, message.Attributes.Count);
        Assert.Equal("application/json", message.Attributes["content-type"]);
        Assert.Equal("t-1", message.Attributes["tenant"]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T02:04:08.722Z", System.Globalization.CultureInfo.InvariantCulture), message.PublishTime);
        Assert.Equal("projects/test-project/subscriptions/push-wrapped", message.Subscription);
        Assert.Null(message.DeliveryAttempt);
        Assert.Null(message.OrderingKey);
    }

    [Fact(Timeout = 60_000)]
    public async Task EmulatorUnwrappedPushWithMetadataHeadersDecodes()
    {
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.FromCapturedPush("emulator-pubsub-push-unwrapped-writemetadata"), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        var message = result.Value;
        Assert.Equal("1", message.MessageId);
        Assert.Equal(EmulatorData, message.GetDataAsString());

        // content-type is indistinguishable from the body's Content-Type header, so it is not an attribute here.
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "t-1" }, message.Attributes);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 2, 4, 8, 722, TimeSpan.Zero), message.PublishTime);
        Assert.Equal("projects/test-project/subscriptions/push-unwrapped", message.Subscription);
        Assert.Equal("t-1", message.OrderingKey);
        Assert.Null(message.DeliveryAttempt);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnwrappedPushExcludesStandardAndPlatformHeaders()
    {
        var request = EdgeRequests.Create(
            "payload",
            ("Content-Type", "text/plain"),
            ("Host", "worker.run.app"),
            ("User-Agent", "APIs-Google"),
            ("Accept-Encoding", "gzip, deflate, br"),
            ("Authorization", "Bearer x.y.SIGNATURE_REMOVED_BY_GOOGLE"),
            ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            ("X-Cloud-Trace-Context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1"),
            ("Forwarded", "for=1.2.3.4;proto=https"),
            ("X-Forwarded-For", "1.2.3.4"),
            ("X-Forwarded-Proto", "https"),
            ("x-goog-pubsub-message-id", "77"),
            ("x-goog-pubsub-subscription-name", "projects/p/subscriptions/s"),
            ("x-goog-pubsub-publish-time", "2026-11-28T02:04:08.722Z"),
            ("x-goog-pubsub-delivery-attempt", "3"),
            ("tenant", "t-9"),
            ("endpoint", "Invoices"));

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "t-9", ["endpoint"] = "Invoices" }, result.Value.Attributes);
        Assert.Equal("77", result.Value.MessageId);
        Assert.Equal(3, result.Value.DeliveryAttempt);
        Assert.Equal("payload", result.Value.GetDataAsString());
    }

    [Fact(Timeout = 60_000)]
    public async Task RealServiceEnvelopeWithBomAndOrderingKeyDecodes()
    {
        var request = EdgeRequests.Create(EdgeRequests.FixtureBytes("ffdotnet-pushenvelope-raw_pubsub.json"), ("Content-Type", "application/json"));

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("4102184774039362", result.Value.MessageId);
        Assert.Equal("Text message", result.Value.GetDataAsString());
        Assert.Equal("value1", result.Value.Attributes["attr1"]);
        Assert.Equal("orderxyz", result.Value.OrderingKey);
        Assert.Equal(new DateTimeOffset(2022, 2, 15, 11, 28, 32, 942, TimeSpan.Zero), result.Value.PublishTime);
        Assert.Equal("projects/sample-project/subscriptions/sample-subscription", result.Value.Subscription);
    }

    [Fact(Timeout = 60_000)]
    public async Task EmulatorEnvelopeWithBomDecodes()
    {
        var request = EdgeRequests.Create(EdgeRequests.FixtureBytes("ffdotnet-pushenvelope-emulator_pubsub.json"), ("Content-Type", "application/json"));

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("1", result.Value.MessageId);
        Assert.Equal("Test message from emulator", result.Value.GetDataAsString());
        Assert.Equal("attr-value1", result.Value.Attributes["attr1"]);
        Assert.Null(result.Value.PublishTime);
        Assert.Equal("projects/emulator-project/subscriptions/test-subscription", result.Value.Subscription);
    }

    /// <summary>MessagePublishedData payloads have exactly the wrapped push shape (with @type and snake_case duplicates).</summary>
    [Theory(Timeout = 30_000)]
    [InlineData("gce-examples-binary-pubsub-MessagePublishedData-simple.json", "AQIDBA==", null, "projects/test-project/subscriptions/my-subscription", null)]
    [InlineData("gce-examples-binary-pubsub-MessagePublishedData-complex.json", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/test-project/subscriptions/my-subscription", "ordering-key")]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-binary.json", "AQIDBA==", null, "projects/my-project/subscriptions/my-subscription", null)]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-text.json", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/my-project/subscriptions/my-subscription", null)]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-duplicatedFields.json", "AQIDBA==", null, "projects/my-project/subscriptions/my-subscription", null)]
    public async Task MessagePublishedPayloadsDecodeAsWrappedPushBodies(string file, string dataBase64, string? attr1, string subscription, string? orderingKey)
    {
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Create(EdgeRequests.FixtureBytes(file), ("Content-Type", "application/json")), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("message-id", result.Value.MessageId);
        Assert.Equal(Convert.FromBase64String(dataBase64), result.Value.Data.ToArray());
        Assert.Equal(attr1, result.Value.Attributes.GetValueOrDefault("attr1"));
        Assert.Equal(subscription, result.Value.Subscription);
        Assert.Equal(orderingKey, result.Value.OrderingKey);
        Assert.Equal(new DateTimeOffset(2021, 2, 5, 4, 6, 14, 109, TimeSpan.Zero), result.Value.PublishTime);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeadLetteredMessageKeepsOrderingKeyAndDeadLetterAttributes()
    {
        // A pull response, not a push: wrap its message the way a push to a DLQ push subscription would.
        using var pull = System.Text.Json.JsonDocument.Parse(EdgeRequests.FixtureBytes("emulator-pubsub-deadletter-pull-response.json"));
        var message = pull.RootElement.GetProperty("receivedMessages")[0].GetProperty("message").GetRawText();
        var body = $$"""{"message":{{message}},"subscription":"projects/test-project/subscriptions/dlq-push"}""";

        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json(body), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("2", result.Value.MessageId);
        Assert.Equal(EmulatorData, result.Value.GetDataAsString());
        Assert.Equal("t-1", result.Value.OrderingKey);
        Assert.Equal("5", result.Value.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"]);
        Assert.Equal("push-fail-dlq", result.Value.Attributes["CloudPubSubDeadLetterSourceSubscription"]);
        Assert.Equal(6, result.Value.Attributes.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task SnakeCaseOnlyEnvelopeDecodes()
    {
        var body = """
            {"message":{"data":"aGk=","attributes":{"a":"b"},"message_id":"42","publish_time":"2021-02-05T04:06:14.109123456Z","ordering_key":"k"},
             "subscription":"projects/p/subscriptions/s","delivery_attempt":"7"}
            """;

        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json(body), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("42", result.Value.MessageId);
        Assert.Equal("hi", result.Value.GetDataAsString());
        Assert.Equal("k", result.Value.OrderingKey);
        Assert.Equal(7, result.Value.DeliveryAttempt);
        Assert.Equal(new DateTimeOffset(2021, 2, 5, 4, 6, 14, TimeSpan.Zero).AddTicks(1_091_234), result.Value.PublishTime);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("5")]
    [InlineData("\"5\"")]
    public async Task DeliveryAttemptAcceptsNumberOrString(string json)
    {
        var body = $$"""{"message":{"data":"aGk=","messageId":"1"},"subscription":"s","deliveryAttempt":{{json}}}""";

        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json(body), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(5, result.Value.DeliveryAttempt);
    }

    [Fact(Timeout = 60_000)]
    public async Task MessageWithAttributesButNoDataDecodes()
    {
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json("""{"message":{"messageId":"9","attributes":{"k":"v"}}}"""), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.True(result.Value.Data.IsEmpty);
        Assert.Equal("v", result.Value.Attributes["k"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task UrlSafeUnpaddedBase64IsAccepted()
    {
        // bytes FB FF BF: standard "+/+/" alphabet vs URL-safe "-_".
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json("""{"message":{"messageId":"9","data":"-_-_"}}"""), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(Convert.FromBase64String("+/+/"), result.Value.Data.ToArray());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("", "empty")]
    [InlineData("   \n", "empty")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[1,2]", "malformed JSON")]
    [InlineData("null", "null")]
    [InlineData("""{"subscription":"s"}""", "missing 'message'")]
    [InlineData("""{"message":null}""", "missing 'message'")]
    [InlineData("""{"message":{"messageId":"1"}}""", "neither data nor attributes")]
    [InlineData("""{"message":{"messageId":"1","attributes":{}}}""", "neither data nor attributes")]
    [InlineData("""{"message":{"data":"aGk="}}""", "messageId")]
    [InlineData("""{"message":{"messageId":"1","data":"!!not base64!!"}}""", "base64")]
    [InlineData("""{"message":{"messageId":"1","data":"aGk=","attributes":{"n":1}}}""", "malformed JSON")]
    [InlineData("""{"message":{"messageId":"1","data":"aGk=","publishTime":"yesterday"}}""", "malformed JSON")]
    public async Task MalformedWrappedBodiesArePoison(string body, string expectedReason)
    {
        var result = await PushRequestDecoder.DecodeAsync(EdgeRequests.Json(body), Ct);

        Assert.True(result.IsPoison);
        Assert.Contains(expectedReason, result.PoisonReason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnwrappedPushWithoutDataOrAttributesIsPoison()
    {
        var request = EdgeRequests.Create(string.Empty, ("x-goog-pubsub-message-id", "1"), ("Content-Type", "application/json"));

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("neither data nor attributes", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeclaredOversizedBodyIsPoisonWithoutReading()
    {
        var request = EdgeRequests.Json("{}");
        request.ContentLength = PushRequestDecoder.MaxBodyBytes + 1L;

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("too large", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task UndeclaredOversizedBodyIsPoison()
    {
        var request = EdgeRequests.Create(new byte[PushRequestDecoder.MaxBodyBytes + 1], ("Content-Type", "application/json"));
        request.ContentLength = null;

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("too large", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BodyExactlyAtCapIsRead()
    {
        var payload = Encoding.ASCII.GetBytes(new string('x', PushRequestDecoder.MaxBodyBytes));
        var request = EdgeRequests.Create(payload, ("x-goog-pubsub-message-id", "1"));

        var result = await PushRequestDecoder.DecodeAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(PushRequestDecoder.MaxBodyBytes, result.Value.Data.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task CancellationThrows()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PushRequestDecoder.DecodeAsync(EdgeRequests.Json("{}"), cts.Token));
    }
}
